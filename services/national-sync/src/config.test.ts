import { describe, expect, it } from 'vitest';
import { describeConfig } from '@lienthong/platform';
import { configProperties as sandboxDvcqgConfig } from '../../sandbox/src/peers/dvcqg/config.js';
import { loadSyncConfig, refuseSyncDemoSecrets, SANDBOX_DVCQG_PASSWORD, syncConfigSchema } from './config.js';

const required = {
  DATABASE_URL: 'postgres://u:p@h/db',
  API_CLIENTS_FILE: '/etc/hub/clients.json',
  DVCQG_USERNAME: 'u',
  DVCQG_PASSWORD: 'pw',
  DVCQG_MADONVI: '000.00.00.H22',
};

describe('national-sync config', () => {
  it('applies defaults, coerces types and masks secrets', () => {
    const c = loadSyncConfig({ ...required, NATIONAL_SYNC_WORKERS: '2', NATIONAL_SYNC_PAYMENTS: 'true' });
    expect(c).toMatchObject({
      NATIONAL_SYNC_PORT: 8081,
      NATIONAL_SYNC_HOST: '127.0.0.1',
      NATIONAL_SYNC_WORKERS: 2,
      NATIONAL_SYNC_PROGRESS_BATCH: 10,
      NATIONAL_SYNC_PAYMENTS: true,
      KAFKA_TOPIC_NAMESPACE: '',
    });
    expect(Object.isFrozen(c)).toBe(true);
    const shown = describeConfig(syncConfigSchema, c);
    expect(shown.DATABASE_URL).toBe('[secret]');
    expect(shown.DVCQG_PASSWORD).toBe('[secret]');
  });

  it('lists every problem at once, and caps progress batches at the portal limit', () => {
    let message = '';
    try {
      loadSyncConfig({ NATIONAL_SYNC_PROGRESS_BATCH: '11' });
    } catch (err) {
      message = (err as Error).message;
    }
    for (const key of [
      'DATABASE_URL',
      'API_CLIENTS_FILE',
      'DVCQG_USERNAME',
      'DVCQG_PASSWORD',
      'DVCQG_MADONVI',
      'NATIONAL_SYNC_PROGRESS_BATCH',
    ])
      expect(message).toContain(key);
  });

  it('has no admin token any more: the admin API is the platform auth plugin’s (API_CLIENTS_FILE, role operator)', () => {
    expect(Object.keys(syncConfigSchema.properties)).not.toContain('NATIONAL_SYNC_ADMIN_TOKEN');
  });
});

describe('demo secrets on a live start', () => {
  const sandboxUrl = 'http://127.0.0.1:8090/dvcqg';
  it('knows the sandbox peer’s own default password', () => {
    expect(sandboxDvcqgConfig.SANDBOX_DVCQG_PASSWORD!.default).toBe(SANDBOX_DVCQG_PASSWORD);
  });

  it('refuses the sandbox password under NODE_ENV=production, naming the setting', () => {
    expect(() =>
      refuseSyncDemoSecrets({ DVCQG_PASSWORD: SANDBOX_DVCQG_PASSWORD, DVCQG_BASE_URL: sandboxUrl }, 'production'),
    ).toThrowError(
      expect.objectContaining({
        code: 'LT_CONFIG_DEMO_SECRETS',
        message: expect.stringMatching(/DVCQG_PASSWORD.*NODE_ENV is production/),
      }),
    );
  });

  it('refuses it against a portal that is not the sandbox, naming both settings', () => {
    for (const url of ['https://dichvucong.gov.vn/lgsp', 'http://10.0.0.8:8090/dvcqg', 'http://sandbox.evil.example/dvcqg']) {
      expect(
        () => refuseSyncDemoSecrets({ DVCQG_PASSWORD: SANDBOX_DVCQG_PASSWORD, DVCQG_BASE_URL: url }, 'development'),
        url,
      ).toThrow(/DVCQG_PASSWORD.*DVCQG_BASE_URL is not the sandbox's/);
    }
  });

  it('lets the sandbox run with its password, and a real password run anywhere', () => {
    expect(() =>
      refuseSyncDemoSecrets({ DVCQG_PASSWORD: SANDBOX_DVCQG_PASSWORD, DVCQG_BASE_URL: sandboxUrl }, undefined),
    ).not.toThrow();
    expect(() =>
      refuseSyncDemoSecrets(
        { DVCQG_PASSWORD: SANDBOX_DVCQG_PASSWORD, DVCQG_BASE_URL: 'http://sandbox:8090/dvcqg' },
        'development',
      ),
    ).not.toThrow();
    expect(() =>
      refuseSyncDemoSecrets({ DVCQG_PASSWORD: 'a-real-one', DVCQG_BASE_URL: 'https://dichvucong.gov.vn/lgsp' }, 'production'),
    ).not.toThrow();
  });
});
