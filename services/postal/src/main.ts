import { runService } from '@lienthong/platform';
import { postalService } from './service.js';

await runService(postalService);
