import type { PaygovSigner } from '@lienthong/paygov';
import type { PaymentPeerBase } from '../payment-peer-kit/index.js';
import type { PaygovPeerSettings } from './config.js';
import type { PaygovPeerMerchant } from './options.js';
import type { PaygovStore } from './store.js';

/** What the PayGov peer's routes share (one per registered plugin instance). */
export interface PaygovPeerContext extends PaymentPeerBase {
  settings: PaygovPeerSettings;
  merchants: ReadonlyMap<string, { merchant: PaygovPeerMerchant; signer: PaygovSigner }>;
  store: PaygovStore;
  prefix: string;
}
