import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createLogger, systemClock } from '@lienthong/platform';
import { refuseWebhooksDevelopmentSettings } from './config.js';
import { createWebhooks } from './webhooks.js';

const failure = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e as { code?: string; message?: string; kind?: string };
  }
  return undefined;
};

describe('WEBHOOKS_ALLOW_HTTP never serves a production start', () => {
  it('refused under NODE_ENV=production, naming the setting', () => {
    const err = failure(() => refuseWebhooksDevelopmentSettings({ WEBHOOKS_ALLOW_HTTP: true }, 'production'));
    expect(err).toMatchObject({ code: 'LT_CONFIG_DEVELOPMENT_SETTING', kind: 'internal' });
    expect(err?.message).toMatch(/WEBHOOKS_ALLOW_HTTP \(http:\/\/ subscription URLs\)/);
    expect(err?.message).toMatch(/NODE_ENV is production/);
  });

  it('allowed outside production (npm start, tests), and https-only is allowed everywhere', () => {
    for (const env of ['development', 'test', undefined, 'Production', 'prod'])
      expect(() => refuseWebhooksDevelopmentSettings({ WEBHOOKS_ALLOW_HTTP: true }, env)).not.toThrow();
    expect(() => refuseWebhooksDevelopmentSettings({ WEBHOOKS_ALLOW_HTTP: false }, 'production')).not.toThrow();
    expect(() => refuseWebhooksDevelopmentSettings({}, 'production')).not.toThrow();
  });

  it('createWebhooks refuses it too, so no service that delivers webhooks can get around it', () => {
    // No connection is made by building the pool or the machinery.
    const pool = new pg.Pool({ connectionString: 'postgres://nobody@127.0.0.1:1/none' });
    const opts = {
      pool,
      logger: createLogger({ name: 'webhooks-test', level: 'silent' }),
      clock: systemClock,
      origin: 'test',
      secretKey: randomBytes(32).toString('hex'),
      allowedNetworks: '',
      timeoutMs: 1_000,
    };
    expect(failure(() => createWebhooks({ ...opts, allowHttp: true, nodeEnv: 'production' }))).toMatchObject({
      code: 'LT_CONFIG_DEVELOPMENT_SETTING',
    });
    expect(() => createWebhooks({ ...opts, allowHttp: false, nodeEnv: 'production' })).not.toThrow();
    expect(() => createWebhooks({ ...opts, allowHttp: true, nodeEnv: 'development' })).not.toThrow();
    void pool.end();
  });
});
