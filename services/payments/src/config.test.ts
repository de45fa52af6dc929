import { describe, expect, it } from 'vitest';
import { describeConfig } from '@lienthong/platform';
import { loadPaymentsConfig, paymentsConfigSchema } from './config.js';

describe('payments config', () => {
  it('applies defaults (port 8082) and masks the database URL in the start log', () => {
    const c = loadPaymentsConfig({
      DATABASE_URL: 'postgres://u:pw@h/db',
      API_CLIENTS_FILE: 'c.json',
      PAYMENTS_MERCHANTS_FILE: 'm.json',
    });
    expect(c.PAYMENTS_PORT).toBe(8082);
    expect(c.PAYMENTS_RECONCILE_ENABLED).toBe(true);
    expect(JSON.stringify(describeConfig(paymentsConfigSchema, c))).not.toContain('pw');
  });

  it('fails at start listing every problem', () => {
    let message = '';
    try {
      loadPaymentsConfig({ PAYMENTS_PORT: 'eighty', PAYMENTS_PUBLIC_URL: 'http://x/' });
    } catch (err) {
      message = (err as Error).message;
    }
    for (const k of ['DATABASE_URL', 'API_CLIENTS_FILE', 'PAYMENTS_MERCHANTS_FILE', 'PAYMENTS_PORT', 'PAYMENTS_PUBLIC_URL'])
      expect(message).toContain(k);
  });
});
