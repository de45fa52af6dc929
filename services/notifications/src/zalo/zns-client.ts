import { providerUnavailable } from '../errors.js';

/** A ZNS answer: HTTP 200 with `error` 0 for success, a negative code otherwise (notifications-receipts.md §1.1). */
export type ZnsResult = { ok: true; msgId: string; remainingQuota?: number } | { ok: false; code: number; message: string };

export interface ZnsSendRequest {
  accessToken: string;
  phone: string;
  templateId: string;
  templateData: Record<string, string>;
  /** The hub's idempotency key (message id, 32 hex chars ≤ 48 [doc Z11]). */
  trackingId: string;
  mode?: string;
}

/** Error classes of the router [confirmed: -108, -118, -124; inf: the rest, from the order of Zalo's table, doc Z2]. */
export const ZNS_PHONE_SIDE = new Set([-108, -114, -118, -119]);
export const ZNS_TOKEN_INVALID = -124;
export const ZNS_QUOTA = new Set([-115]);
export const ZNS_RETRIABLE = new Set([-100]);

export function createZnsClient(opts: { apiUrl: string; oauthUrl: string; timeoutMs: number }) {
  const post = async (url: string, init: RequestInit, what: string): Promise<Record<string, unknown>> => {
    let res: Response;
    try {
      res = await fetch(url, { ...init, signal: AbortSignal.timeout(opts.timeoutMs) });
    } catch (err) {
      throw providerUnavailable(what, err);
    }
    if (res.status >= 500 || res.status === 429) throw providerUnavailable(`${what} (HTTP ${res.status})`);
    const text = await res.text();
    try {
      const body = JSON.parse(text) as unknown;
      if (body && typeof body === 'object' && !Array.isArray(body)) return body as Record<string, unknown>;
    } catch {
      /* fall through */
    }
    throw providerUnavailable(`${what} (HTTP ${res.status}, not JSON)`);
  };
  return {
    async send(r: ZnsSendRequest): Promise<ZnsResult> {
      const body = await post(
        `${opts.apiUrl}/message/template`,
        {
          method: 'POST',
          // The token goes in a header named access_token, not Authorization [code Z4, Z9].
          headers: { 'content-type': 'application/json', access_token: r.accessToken },
          body: JSON.stringify({
            phone: r.phone,
            template_id: r.templateId,
            template_data: r.templateData,
            tracking_id: r.trackingId,
            ...(r.mode ? { mode: r.mode } : {}),
          }),
        },
        'Zalo ZNS',
      );
      const code = Number(body.error);
      if (code === 0) {
        const data = (body.data ?? {}) as { msg_id?: unknown; quota?: { remainingQuota?: unknown } };
        if (typeof data.msg_id !== 'string' || !data.msg_id) return { ok: false, code: -100, message: 'success without msg_id' };
        const rem = Number(data.quota?.remainingQuota);
        return { ok: true, msgId: data.msg_id, ...(Number.isFinite(rem) ? { remainingQuota: rem } : {}) };
      }
      return { ok: false, code: Number.isFinite(code) ? code : -100, message: String(body.message ?? '').slice(0, 200) };
    },
    /** `GET /message/status?message_id&phone`: the delivery time once delivered (§1.2 [code Z9]). */
    async status(r: {
      accessToken: string;
      msgId: string;
      phone: string;
    }): Promise<{ ok: true; deliveredAt?: Date } | { ok: false; code: number; message: string }> {
      const url = `${opts.apiUrl}/message/status?${new URLSearchParams({ message_id: r.msgId, phone: r.phone }).toString()}`;
      let res: Response;
      try {
        res = await fetch(url, { headers: { access_token: r.accessToken }, signal: AbortSignal.timeout(opts.timeoutMs) });
      } catch (err) {
        throw providerUnavailable('Zalo message status', err);
      }
      let body: { error?: unknown; message?: unknown; data?: { delivery_time?: unknown } };
      try {
        body = (await res.json()) as typeof body;
      } catch (err) {
        throw providerUnavailable(`Zalo message status (HTTP ${res.status}, not JSON)`, err);
      }
      const code = Number(body.error);
      if (code !== 0)
        return { ok: false, code: Number.isFinite(code) ? code : -100, message: String(body.message ?? '').slice(0, 200) };
      const t = Number(body.data?.delivery_time);
      return { ok: true, ...(Number.isFinite(t) && t > 0 ? { deliveredAt: new Date(t) } : {}) };
    },
    /** OAuth v4 refresh: form body, header `secret_key` (§1.4). Errors are HTTP 200 with `error`. */
    async refresh(a: {
      appId: string;
      appSecret: string;
      refreshToken: string;
    }): Promise<
      { ok: true; accessToken: string; refreshToken: string; expiresInS: number } | { ok: false; code: number; message: string }
    > {
      const body = await post(
        `${opts.oauthUrl}/v4/oa/access_token`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', secret_key: a.appSecret },
          body: new URLSearchParams({ refresh_token: a.refreshToken, app_id: a.appId, grant_type: 'refresh_token' }).toString(),
        },
        'Zalo OAuth',
      );
      if (typeof body.access_token === 'string' && typeof body.refresh_token === 'string') {
        const exp = Number(body.expires_in);
        return {
          ok: true,
          accessToken: body.access_token,
          refreshToken: body.refresh_token,
          expiresInS: Number.isFinite(exp) && exp > 0 ? exp : 90_000,
        };
      }
      return {
        ok: false,
        code: Number(body.error ?? -1),
        message: String(body.error_name ?? body.error_description ?? 'refresh refused').slice(0, 200),
      };
    },
  };
}
export type ZnsClient = ReturnType<typeof createZnsClient>;
