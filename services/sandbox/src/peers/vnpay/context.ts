import type { PaymentPeerBase } from '../payment-peer-kit/index.js';
import type { VnpayPeerSettings } from './config.js';
import type { VnpayPeerMerchant } from './options.js';
import type { VnpayStore } from './store.js';

/** What the VNPAY peer's routes share (one per registered plugin instance). */
export interface VnpayPeerContext extends PaymentPeerBase {
  settings: VnpayPeerSettings;
  merchants: ReadonlyMap<string, VnpayPeerMerchant>;
  store: VnpayStore;
}
