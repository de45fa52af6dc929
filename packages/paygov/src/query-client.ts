import type { PaygovLookupRequest, PaygovQueryOutcome } from './query.js';
import type { PaygovSigner } from './signer.js';

/** POST `body` as JSON to `url`, resolve with the parsed JSON answer; throw on transport failure. Give it the platform's http client. */
export type PaygovJsonPoster = (url: string, body: unknown) => Promise<unknown>;

export interface PaygovQueryClient {
  /** Signs, sends, verifies a QUERY. Transport errors become `no_answer` (LT_PAYGOV_QUERY_FAILED, `cause` kept). */
  query(
    req: PaygovLookupRequest,
  ): Promise<PaygovQueryOutcome | { kind: 'no_answer'; code: 'LT_PAYGOV_QUERY_FAILED'; message: string; cause: unknown }>;
}

/**
 * Reconciliation's view of the platform. `queryUrl` has no default: the platform's URLs come from the
 * operator at onboarding (TD configures InitUrl / CheckConfirmUrl / InitReceiptUrl separately [T6]).
 */
export function createPaygovQueryClient(opts: {
  signer: PaygovSigner;
  post: PaygovJsonPoster;
  queryUrl: string;
}): PaygovQueryClient {
  return {
    async query(req) {
      const body = opts.signer.buildQuery(req);
      let answer: unknown;
      try {
        answer = await opts.post(opts.queryUrl, body);
      } catch (cause) {
        return { kind: 'no_answer', code: 'LT_PAYGOV_QUERY_FAILED', message: 'PayGov QUERY call failed', cause };
      }
      return opts.signer.readQueryResponse(answer, { maThamChieu: req.maThamChieu });
    },
  };
}
