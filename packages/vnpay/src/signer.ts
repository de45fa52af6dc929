import { validateVnpayConfig, type VnpaySignerConfig } from './config.js';
import { buildVnpayPayUrl, type VnpayPayRequest, type VnpayPayUrl } from './pay-url.js';
import { verifyVnpayCallback, type VnpayCallbackResult } from './callback.js';
import {
  buildVnpayQueryDr,
  verifyVnpayQueryDrResponse,
  type VnpayQueryDrBody,
  type VnpayQueryDrOutcome,
  type VnpayQueryDrRequest,
} from './querydr.js';

/** Everything one terminal needs, with its secret closed over (not a property, so it cannot be logged by accident). */
export interface VnpaySigner {
  readonly tmnCode: string;
  readonly paymentUrl: string;
  /** Builds and signs a payment URL (§1.2, §1.3). Throws VnpayError on bad input. */
  buildPayUrl(req: VnpayPayRequest): VnpayPayUrl;
  /** Verifies a Return URL / IPN query (§1.4, §1.5). Never throws. */
  verifyCallback(query: unknown): VnpayCallbackResult;
  /** Builds and signs a querydr body (§1.7). Throws VnpayError on bad input. */
  buildQueryDr(req: VnpayQueryDrRequest): VnpayQueryDrBody;
  /** Verifies a querydr answer; unverifiable → `no_answer`. Never throws. */
  verifyQueryDrResponse(body: unknown, expect?: { txnRef?: string }): VnpayQueryDrOutcome;
}

/**
 * Creates the signer of one VNPAY terminal. Validates the config (throws LT_VNPAY_INVALID_CONFIG listing
 * every problem). Pure: no clock, no I/O.
 *
 * @example
 * const vnpay = createVnpaySigner({ tmnCode: 'ABCD1234', hashSecret: process.env.VNP_SECRET! });
 * const { url, createDate } = vnpay.buildPayUrl({ amountVnd: 50_000, txnRef, orderInfo, ipAddr, returnUrl, createdAt: clock.now() });
 */
export function createVnpaySigner(config: VnpaySignerConfig): VnpaySigner {
  const cfg = validateVnpayConfig(config);
  const terminal = Object.freeze({ ...cfg });
  return Object.freeze({
    tmnCode: cfg.tmnCode,
    paymentUrl: cfg.paymentUrl,
    buildPayUrl: (req: VnpayPayRequest) => buildVnpayPayUrl(terminal, req),
    verifyCallback: (query: unknown) => verifyVnpayCallback(terminal, query),
    buildQueryDr: (req: VnpayQueryDrRequest) => buildVnpayQueryDr(terminal, req),
    verifyQueryDrResponse: (body: unknown, expect?: { txnRef?: string }) => verifyVnpayQueryDrResponse(terminal, body, expect),
  });
}
