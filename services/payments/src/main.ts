import { runService } from '@lienthong/platform';
import { paymentsService } from './service.js';

await runService(paymentsService);
