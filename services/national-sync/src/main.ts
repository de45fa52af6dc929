import { runService } from '@lienthong/platform';
import { nationalSyncService } from './service.js';

await runService(nationalSyncService);
