import type { SandboxPeerOptions } from '../../peer.js';
import type { PaymentPeerCommonOptions } from '../payment-peer-kit/index.js';

/**
 * One simulated partner of the DVCQG payment platform. INIT carries no callback or return URL (§8), so the
 * platform must hold them from onboarding: they are configured here per MaDoiTac.
 */
export interface PaygovPeerMerchant {
  maDoiTac: string;
  secret: string;
  /** Where the confirm callback is POSTed. */
  confirmUrl: string;
  /** Where the browser goes after paying (display only); omitted → the platform shows its own page. */
  returnUrl?: string;
  name?: string;
}

/** Options of the PayGov peer plugin; all optional (see VnpayPeerOptions for the pattern). */
export interface PaygovPeerOptions extends Partial<SandboxPeerOptions>, PaymentPeerCommonOptions {
  merchants?: PaygovPeerMerchant[];
  /** Confirm calls per notification; nothing is documented, default 1 [inf]. */
  confirmMaxAttempts?: number;
  confirmRetryIntervalMs?: number;
  notifyTimeoutMs?: number;
  /** UrlThanhToan lifetime [inf]. */
  payUrlTtlMs?: number;
  timeoutHangMs?: number;
  seed?: number;
}
