import { runService } from '@lienthong/platform';
import { operationsService } from './service.js';

await runService(operationsService);
