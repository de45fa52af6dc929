import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEMO_MERCHANTS_FILE, isSandboxMerchantValue, refuseDemoMerchants, usesDemoMerchants } from './demo-secrets.js';
import { loadPaymentsConfig } from './config.js';

const demoText = readFileSync(DEMO_MERCHANTS_FILE, 'utf8');
const demo = JSON.parse(demoText) as { merchants: Record<string, unknown>[] };
const dir = mkdtempSync(path.join(tmpdir(), 'lt-demo-'));
const write = (name: string, content: unknown) => {
  const file = path.join(dir, name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
};
// Where compose mounts every merchants file, and a renamed copy: neither name says "sandbox".
const mounted = write('run/config/merchants.json', demoText);
const renamed = write('agencies-h22.json', demoText);
const real = write(
  'real.json',
  JSON.stringify({
    merchants: [{ id: 'x', name: 'x', agencies: ['*'], vnpay: { tmnCode: 'REAL0001', hashSecret: 'a-real-secret-value' } }],
  }),
);

const config = (file: string, env: Record<string, string> = {}) =>
  loadPaymentsConfig({ DATABASE_URL: 'postgres://x', API_CLIENTS_FILE: 'x', PAYMENTS_MERCHANTS_FILE: file, ...env });

/** Every credential-like value (secrets, keys) and provider merchant code of the demo file. */
function demoValues(): string[] {
  const out: string[] = [];
  const walk = (v: unknown, key = '') => {
    if (typeof v === 'string') {
      if (/secret|key|password|tmnCode|partnerCode/i.test(key)) out.push(v);
    } else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
  };
  walk(demo);
  return out;
}

describe('the sandbox merchants never serve a production start, recognised by their content', () => {
  it('knows every credential and merchant code of the demo file (so a new one cannot be left out)', () => {
    const values = demoValues();
    expect(values.length).toBeGreaterThanOrEqual(10);
    for (const v of values) expect(isSandboxMerchantValue(v), v).toBe(true);
    expect(isSandboxMerchantValue('a-real-secret-value')).toBe(false);
    expect(isSandboxMerchantValue('')).toBe(false);
  });

  it('recognises the demo file wherever it is and whatever it is called, and a file reusing one demo secret', () => {
    expect(usesDemoMerchants(DEMO_MERCHANTS_FILE)).toBe(true);
    expect(usesDemoMerchants(mounted)).toBe(true);
    expect(usesDemoMerchants(renamed)).toBe(true);
    expect(usesDemoMerchants(real)).toBe(false);
    // A real file that borrowed only the demo MoMo secret, under another key and nested deeper.
    const borrowed = write('borrowed.json', {
      merchants: [
        {
          id: 'h22',
          agencies: ['*.H22'],
          momo: { partnerCode: 'MOMOH22', accessKey: 'real-access', extra: ['x', { s: 'lt-demo-momo-secret-key-0001' }] },
        },
      ],
    });
    expect(usesDemoMerchants(borrowed)).toBe(true);
    // Reformatted (whitespace, key order) it is still the demo file.
    const { merchants } = demo;
    const reordered = write(
      'reordered.json',
      JSON.stringify({ merchants: merchants.map((m) => Object.fromEntries(Object.entries(m).reverse())) }, null, 4),
    );
    expect(usesDemoMerchants(reordered)).toBe(true);
  });

  it('does not judge what it cannot read (loadMerchants refuses it with its own error)', () => {
    expect(usesDemoMerchants(path.join(dir, 'missing.json'))).toBe(false);
    expect(usesDemoMerchants(write('broken.json', '{"merchants": [ LIENTHONGSANDBOXVNPAYDEMOSECRET1'))).toBe(false);
  });

  it('is accepted against the sandbox in development', () => {
    expect(() => refuseDemoMerchants(config(mounted), undefined)).not.toThrow();
  });

  it('is refused with NODE_ENV=production, naming the setting, wherever it is mounted', () => {
    for (const file of [DEMO_MERCHANTS_FILE, mounted, renamed])
      expect(() => refuseDemoMerchants(config(file), 'production')).toThrow(/PAYMENTS_MERCHANTS_FILE.*NODE_ENV is production/);
  });

  it('is refused when any provider URL is not the sandbox', () => {
    const c = config(mounted, { VNPAY_API_URL: 'https://sandbox.vnpayment.vn/merchant_webapi/api/transaction' });
    expect(() => refuseDemoMerchants(c, undefined)).toThrow(
      /PAYMENTS_MERCHANTS_FILE.*VNPAY_API_URL is not the sandbox's \(https:\/\/sandbox\.vnpayment\.vn\)/,
    );
  });

  it('a real merchants file starts anywhere', () => {
    expect(() => refuseDemoMerchants(config(real, { MOMO_API_URL: 'https://payment.momo.vn' }), 'production')).not.toThrow();
  });
});
