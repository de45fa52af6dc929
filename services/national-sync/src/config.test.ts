import { describe, expect, it } from 'vitest';
import { describeConfig } from '@lienthong/platform';
import { loadSyncConfig, syncConfigSchema } from './config.js';

const required = { DATABASE_URL: 'postgres://u:p@h/db', DVCQG_USERNAME: 'u', DVCQG_PASSWORD: 'pw', DVCQG_MADONVI: '000.00.00.H22' };

describe('national-sync config', () => {
  it('applies defaults, coerces types and masks secrets', () => {
    const c = loadSyncConfig({ ...required, NATIONAL_SYNC_WORKERS: '2', NATIONAL_SYNC_PAYMENTS: 'true' });
    expect(c).toMatchObject({ NATIONAL_SYNC_PORT: 8081, NATIONAL_SYNC_WORKERS: 2, NATIONAL_SYNC_PROGRESS_BATCH: 10, NATIONAL_SYNC_PAYMENTS: true, KAFKA_TOPIC_NAMESPACE: '' });
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
    for (const key of ['DATABASE_URL', 'DVCQG_USERNAME', 'DVCQG_PASSWORD', 'DVCQG_MADONVI', 'NATIONAL_SYNC_PROGRESS_BATCH']) expect(message).toContain(key);
  });
});
