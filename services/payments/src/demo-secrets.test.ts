import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEMO_MERCHANTS_FILE, refuseDemoMerchants, usesDemoMerchants } from './demo-secrets.js';
import { loadPaymentsConfig } from './config.js';

const dir = mkdtempSync(path.join(tmpdir(), 'lt-demo-'));
const copy = path.join(dir, 'renamed.json');
writeFileSync(copy, readFileSync(DEMO_MERCHANTS_FILE));
const real = path.join(dir, 'real.json');
writeFileSync(
  real,
  JSON.stringify({
    merchants: [{ id: 'x', name: 'x', agencies: ['*'], vnpay: { tmnCode: 'REAL0001', hashSecret: 'a-real-secret-value' } }],
  }),
);

const config = (file: string, env: Record<string, string> = {}) =>
  loadPaymentsConfig({ DATABASE_URL: 'postgres://x', API_CLIENTS_FILE: 'x', PAYMENTS_MERCHANTS_FILE: file, ...env });

describe('the sandbox merchants file never serves a production start', () => {
  it('recognises the demo file and a renamed copy of it, not a real file', () => {
    expect(usesDemoMerchants(DEMO_MERCHANTS_FILE)).toBe(true);
    expect(usesDemoMerchants(copy)).toBe(true);
    expect(usesDemoMerchants(real)).toBe(false);
  });

  it('is accepted against the sandbox in development', () => {
    expect(() => refuseDemoMerchants(config(DEMO_MERCHANTS_FILE), undefined)).not.toThrow();
  });

  it('is refused with NODE_ENV=production, naming the setting', () => {
    expect(() => refuseDemoMerchants(config(copy), 'production')).toThrow(/PAYMENTS_MERCHANTS_FILE.*NODE_ENV is production/);
  });

  it('is refused when any provider URL is not the sandbox', () => {
    const c = config(DEMO_MERCHANTS_FILE, { VNPAY_API_URL: 'https://sandbox.vnpayment.vn/merchant_webapi/api/transaction' });
    expect(() => refuseDemoMerchants(c, undefined)).toThrow(
      /VNPAY_API_URL is not the sandbox's \(https:\/\/sandbox\.vnpayment\.vn\)/,
    );
  });

  it('a real merchants file starts anywhere', () => {
    expect(() => refuseDemoMerchants(config(real, { MOMO_API_URL: 'https://payment.momo.vn' }), 'production')).not.toThrow();
  });
});
