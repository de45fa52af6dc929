import type { MomoSigner } from '@lienthong/momo';
import type { PaymentPeerBase } from '../payment-peer-kit/index.js';
import type { MomoPeerSettings } from './config.js';
import type { MomoStore } from './store.js';

/** What the MoMo peer's routes share (one per registered plugin instance). */
export interface MomoPeerContext extends PaymentPeerBase {
  settings: MomoPeerSettings;
  /** One signer per partner: the simulator holds the same keys MoMo would. */
  signers: ReadonlyMap<string, MomoSigner>;
  store: MomoStore;
  /** The plugin's prefix, e.g. `/momo`, for building payUrls. */
  prefix: string;
}
