import type { VnpayQueryDrOutcome, VnpayQueryDrRequest } from './querydr.js';
import type { VnpaySigner } from './signer.js';
import { VNPAY_SANDBOX_ENDPOINTS } from './endpoints.js';

/**
 * The only I/O this package does, and only through a function the caller passes in: POST `body` as JSON
 * to `url` and resolve with the parsed JSON answer. Give it the platform's http client (timeouts, retry,
 * breaker); throw on transport failure.
 */
export type VnpayJsonPoster = (url: string, body: Readonly<Record<string, string>>) => Promise<unknown>;

export interface VnpayQueryClientOptions {
  signer: VnpaySigner;
  post: VnpayJsonPoster;
  /** Transaction API URL; default the sandbox [V1]. */
  apiUrl?: string;
}

export interface VnpayQueryClient {
  /** Signs, sends, verifies. Transport errors become `no_answer` (code LT_VNPAY_QUERY_FAILED, `cause` kept). */
  queryDr(
    req: VnpayQueryDrRequest,
  ): Promise<VnpayQueryDrOutcome | { kind: 'no_answer'; code: 'LT_VNPAY_QUERY_FAILED'; message: string; cause: unknown }>;
}

/** Reconciliation's view of VNPAY: one call in, one outcome out, never a false "unpaid". */
export function createVnpayQueryClient(opts: VnpayQueryClientOptions): VnpayQueryClient {
  const apiUrl = opts.apiUrl ?? VNPAY_SANDBOX_ENDPOINTS.apiUrl;
  return {
    async queryDr(req) {
      const body = opts.signer.buildQueryDr(req);
      let answer: unknown;
      try {
        answer = await opts.post(apiUrl, body);
      } catch (cause) {
        return { kind: 'no_answer', code: 'LT_VNPAY_QUERY_FAILED', message: 'querydr call failed', cause };
      }
      return opts.signer.verifyQueryDrResponse(answer, { txnRef: req.txnRef });
    },
  };
}
