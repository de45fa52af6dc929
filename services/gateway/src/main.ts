import { runService } from '@lienthong/platform';
import { gatewayService } from './service.js';

await runService(gatewayService);
