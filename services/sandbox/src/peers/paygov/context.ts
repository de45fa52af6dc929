import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '@lienthong/platform';
import type { PaygovSigner } from '@lienthong/paygov';
import type { Deliverer, FaultSwitches, Journal, NotificationRecord, RequestRecord } from '../payment-peer-kit/index.js';
import type { PaygovPeerSettings } from './config.js';
import type { PaygovPeerMerchant } from './options.js';
import type { PaygovStore } from './store.js';

/** What the PayGov peer's routes share (one per registered plugin instance). */
export interface PaygovPeerContext {
  settings: PaygovPeerSettings;
  merchants: ReadonlyMap<string, { merchant: PaygovPeerMerchant; signer: PaygovSigner }>;
  store: PaygovStore;
  faults: FaultSwitches;
  deliverer: Deliverer;
  notifications: Journal<NotificationRecord>;
  requests: Journal<RequestRecord>;
  clock: Clock;
  logger: FastifyBaseLogger;
  prefix: string;
  isClosed(): boolean;
}
