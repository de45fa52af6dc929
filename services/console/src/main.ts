import { runService } from '@lienthong/platform';
import { consoleService } from './service.js';

await runService(consoleService);
