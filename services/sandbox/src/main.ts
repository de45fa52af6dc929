import { runService } from '@lienthong/platform';
import { sandboxService } from './service.js';

await runService(sandboxService);
