import type { SandboxPeerOptions } from '../../peer.js';
import type { PaymentPeerCommonOptions } from '../payment-peer-kit/index.js';

/** One simulated MoMo partner. MoMo takes the IPN URL per request [M1], so none is configured here. */
export interface MomoPeerMerchant {
  partnerCode: string;
  accessKey: string;
  secretKey: string;
  name?: string;
}

/**
 * Options of the MoMo peer plugin. All optional: the sandbox app passes `SandboxPeerOptions` and settings
 * come from `config` (see configProperties); tests pass them directly. `publicUrl` builds the payUrl.
 */
export interface MomoPeerOptions extends Partial<SandboxPeerOptions>, PaymentPeerCommonOptions {
  merchants?: MomoPeerMerchant[];
  /** Timeout of the IPN call; MoMo expects an answer within 15 s (another page: 30 s) [M1][M2]. */
  notifyTimeoutMs?: number;
  /** payUrl lifetime; 5 min by default per a third-party guide [M4] (unconfirmed, §7). */
  payUrlTtlMs?: number;
  timeoutHangMs?: number;
  seed?: number;
}
