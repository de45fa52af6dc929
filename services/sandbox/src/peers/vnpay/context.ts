import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '@lienthong/platform';
import type { Deliverer, FaultSwitches, Journal, NotificationRecord, RequestRecord } from '../payment-peer-kit/index.js';
import type { VnpayPeerSettings } from './config.js';
import type { VnpayPeerMerchant } from './options.js';
import type { VnpayStore } from './store.js';

/** What the VNPAY peer's routes share (one per registered plugin instance). */
export interface VnpayPeerContext {
  settings: VnpayPeerSettings;
  merchants: ReadonlyMap<string, VnpayPeerMerchant>;
  store: VnpayStore;
  faults: FaultSwitches;
  deliverer: Deliverer;
  notifications: Journal<NotificationRecord>;
  requests: Journal<RequestRecord>;
  clock: Clock;
  logger: FastifyBaseLogger;
  isClosed(): boolean;
}
