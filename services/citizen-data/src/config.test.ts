import { describe, expect, it } from 'vitest';
import { describeConfig, loadConfig } from '@lienthong/platform';
import { citizenDataConfigSchema } from './config.js';

const env = {
  DATABASE_URL: 'postgres://u:pw@127.0.0.1/db',
  API_CLIENTS_FILE: '/tmp/clients.json',
  CITIZEN_DATA_LICENCES_FILE: '/tmp/licences.json',
  CITIZEN_DATA_SUBJECT_HASH_KEY: 's'.repeat(32),
  CITIZEN_DATA_AUDIT_CHAIN_KEY: 'c'.repeat(32),
  CSDL_TOKEN_URL: 'http://127.0.0.1:8090/csdl-dancu/token',
  CSDL_SERVICE_URL: 'http://127.0.0.1:8090/csdl-dancu/ws/dancu',
  CSDL_ACCESS_KEY: 'a',
  CSDL_SECRET_KEY: 'secret-value',
  CSDL_PARTNER_CODE: '000.00.00.H22',
};

describe('citizen-data config', () => {
  it('loads with defaults (port 8083, loopback) and masks every secret', () => {
    const c = loadConfig(citizenDataConfigSchema, env);
    expect(c).toMatchObject({
      CITIZEN_DATA_PORT: 8083,
      CITIZEN_DATA_HOST: '127.0.0.1',
      DKKD_ROUTE: 'ngsp',
      CITIZEN_DATA_RATE_PER_MINUTE: 600,
    });
    const shown = JSON.stringify(describeConfig(citizenDataConfigSchema, c));
    for (const secret of ['secret-value', 's'.repeat(32), 'c'.repeat(32), 'pw@']) expect(shown).not.toContain(secret);
  });
  it('refuses a start without the keys, listing each, and a short key', () => {
    const { CITIZEN_DATA_SUBJECT_HASH_KEY: _s, ...rest } = env;
    expect(() => loadConfig(citizenDataConfigSchema, { ...rest, CITIZEN_DATA_AUDIT_CHAIN_KEY: 'short' })).toThrow(
      /CITIZEN_DATA_SUBJECT_HASH_KEY[\s\S]*CITIZEN_DATA_AUDIT_CHAIN_KEY|CITIZEN_DATA_AUDIT_CHAIN_KEY[\s\S]*CITIZEN_DATA_SUBJECT_HASH_KEY/,
    );
  });
});
