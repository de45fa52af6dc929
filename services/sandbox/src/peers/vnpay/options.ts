import type { SandboxPeerOptions } from '../../peer.js';
import type { PaymentPeerCommonOptions } from '../payment-peer-kit/index.js';

/** One simulated VNPAY terminal. VNPAY sets the IPN URL per terminal in its merchant portal, not per payment [V1][V4]. */
export interface VnpayPeerMerchant {
  tmnCode: string;
  hashSecret: string;
  /** Where IPNs go (GET). May carry the merchant's own query parameters; VNPAY appends its `vnp_*` ones. */
  ipnUrl: string;
  /** Shown on the pay page. */
  name?: string;
}

/**
 * Options of the VNPAY peer plugin. Everything is optional: the sandbox app passes `SandboxPeerOptions`
 * (logger, config, publicUrl) and settings come from `config` (see configProperties); tests pass
 * `merchants`, compressed timings, a notifier or a clock directly, which win over `config`.
 */
export interface VnpayPeerOptions extends Partial<SandboxPeerOptions>, PaymentPeerCommonOptions {
  merchants?: VnpayPeerMerchant[];
  /** Interval between IPN attempts; VNPAY's is 5 minutes [V1]. */
  ipnRetryIntervalMs?: number;
  /** IPN calls per notification; VNPAY's is 10 [V1]. */
  ipnMaxAttempts?: number;
  /** Timeout of one IPN call. */
  notifyTimeoutMs?: number;
  /** How long a simulated API timeout holds the request. */
  timeoutHangMs?: number;
  /** Answer refund commands; default false: 99, as VNPAY's own sandbox does unless enabled [V5 #12]. */
  refundEnabled?: boolean;
  seed?: number;
}
