import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '@lienthong/platform';
import type { MomoSigner } from '@lienthong/momo';
import type { Deliverer, FaultSwitches, Journal, NotificationRecord, RequestRecord } from '../payment-peer-kit/index.js';
import type { MomoPeerSettings } from './config.js';
import type { MomoStore } from './store.js';

/** What the MoMo peer's routes share (one per registered plugin instance). */
export interface MomoPeerContext {
  settings: MomoPeerSettings;
  /** One signer per partner: the simulator holds the same keys MoMo would. */
  signers: ReadonlyMap<string, MomoSigner>;
  store: MomoStore;
  faults: FaultSwitches;
  deliverer: Deliverer;
  notifications: Journal<NotificationRecord>;
  requests: Journal<RequestRecord>;
  clock: Clock;
  logger: FastifyBaseLogger;
  /** The plugin's prefix, e.g. `/momo`, for building payUrls. */
  prefix: string;
  isClosed(): boolean;
}
