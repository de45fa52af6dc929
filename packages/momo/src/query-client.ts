import type { MomoQueryOutcome, MomoQueryRequest } from './query.js';
import type { MomoSigner } from './signer.js';
import { MOMO_HOSTS, MOMO_PATHS } from './endpoints.js';

/** POST `body` as JSON to `url` and resolve with the parsed JSON answer; throw on transport failure. Give it the platform's http client (MoMo asks for ≥ 30 s timeouts [M1]). */
export type MomoJsonPoster = (url: string, body: unknown) => Promise<unknown>;

export interface MomoQueryClient {
  /** Signs, sends, interprets. Transport errors become `no_answer` (LT_MOMO_QUERY_FAILED, `cause` kept). */
  query(
    req: MomoQueryRequest,
  ): Promise<MomoQueryOutcome | { kind: 'no_answer'; code: 'LT_MOMO_QUERY_FAILED'; message: string; cause: unknown }>;
}

/** Reconciliation's view of MoMo: one call in, one outcome out. The only I/O is the poster passed in. */
export function createMomoQueryClient(opts: { signer: MomoSigner; post: MomoJsonPoster; baseUrl?: string }): MomoQueryClient {
  const url = `${opts.baseUrl ?? MOMO_HOSTS.sandbox}${MOMO_PATHS.query}`;
  return {
    async query(req) {
      const body = opts.signer.buildQuery(req);
      let answer: unknown;
      try {
        answer = await opts.post(url, body);
      } catch (cause) {
        return { kind: 'no_answer', code: 'LT_MOMO_QUERY_FAILED', message: 'MoMo query call failed', cause };
      }
      return opts.signer.readQueryResponse(answer, { orderId: req.orderId, requestId: req.requestId });
    },
  };
}
