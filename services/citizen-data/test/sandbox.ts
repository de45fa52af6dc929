import type { FastifyInstance } from 'fastify';
import { createMetricsRegistry, type Logger } from '@lienthong/platform';
import { buildApp } from '../../sandbox/src/app.js';
import type { CongDan } from '@lienthong/csdl-dancu';

/** The whole sandbox on a random loopback port, with the population DB and business-registry peers. */
export interface SandboxHarness {
  app: FastifyInstance;
  url: string;
  csdlUrl: string;
  dkkdUrl: string;
  admin<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  citizens(): Promise<CongDan[]>;
  calls(peer: 'csdl-dancu' | 'dkkd'): Promise<Array<Record<string, unknown>>>;
  close(): Promise<void>;
}

export async function startSandbox(logger: Logger, config: Record<string, unknown> = {}): Promise<SandboxHarness> {
  const app = await buildApp({
    logger,
    metrics: createMetricsRegistry('sandbox-test'),
    config: { SANDBOX_CSDL_TIMEOUT_HANG_MS: 3_000, SANDBOX_DKKD_TIMEOUT_HANG_MS: 3_000, ...config },
    publicUrl: 'http://127.0.0.1',
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  const admin = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      const res = await fetch(`${url}${path}`, {
        method,
        ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
      });
      // The sandbox sheds load (503 LT_HTTP_OVERLOADED) when the machine is busy; its admin API is safe to retry.
      if (res.status === 503 && attempt < 10) {
        await new Promise((r) => setTimeout(r, 300));
        continue;
      }
      if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    }
  };
  return {
    app,
    url,
    csdlUrl: `${url}/csdl-dancu`,
    dkkdUrl: `${url}/dkkd`,
    admin,
    citizens: async () => (await admin<{ items: CongDan[] }>('GET', '/csdl-dancu/_admin/citizens?limit=10000')).items,
    calls: async (peer) =>
      (await admin<{ items: Array<Record<string, unknown>> }>('GET', `/${peer}/_admin/calls?limit=10000`)).items,
    close: () => app.close(),
  };
}

/** Default simulator credentials (each peer's config.ts under services/sandbox/src/peers). */
export const sandboxCredentials = {
  lgsp: {
    AccessKey: 'lienthong-lgsp',
    SecretKey: 'lienthong-lgsp-sandbox',
    AppName: 'lienthong',
    PartnerCode: '000.00.00.H22',
    PartnerCodeCus: '000.00.00.H22',
  },
  ngsp: { consumerKey: 'lienthong-ngsp', consumerSecret: 'lienthong-ngsp-sandbox' },
  esb: {
    AccessKey: 'lienthong-esb',
    SecretKey: 'lienthong-esb-sandbox',
    AppName: 'lienthong',
    PartnerCode: '000.00.01.H29',
    PartnerCodeCus: '000.00.01.H29',
  },
};
