import { runService } from '@lienthong/platform';
import { inboundService } from './service.js';

await runService(inboundService);
