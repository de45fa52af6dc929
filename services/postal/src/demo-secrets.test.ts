import { describe, expect, it } from 'vitest';
import { refusePostalDemoSecrets, SANDBOX_MYVNPOST_PASSWORD, SANDBOX_VNPOST_HCC_SECRET } from './demo-secrets.js';

describe('postal: the VNPost simulator credentials never serve a live start', () => {
  const sandbox = { MYVNPOST_BASE_URL: 'http://127.0.0.1:8090/vnpost', VNPOST_HCC_TOKEN_URL: 'http://127.0.0.1:8090/hcc/token' };
  const failure = (f: () => void) => {
    try {
      f();
    } catch (e) {
      return e as { code?: string; message?: string };
    }
    return undefined;
  };

  it('the sandbox password against the sandbox, outside production: allowed (npm start)', () => {
    expect(() =>
      refusePostalDemoSecrets({ ...sandbox, MYVNPOST_PASSWORD: SANDBOX_MYVNPOST_PASSWORD }, 'development'),
    ).not.toThrow();
  });

  it('in production: refused, naming each setting', () => {
    const err = failure(() =>
      refusePostalDemoSecrets(
        { ...sandbox, MYVNPOST_PASSWORD: SANDBOX_MYVNPOST_PASSWORD, VNPOST_HCC_SECRET: SANDBOX_VNPOST_HCC_SECRET },
        'production',
      ),
    );
    expect(err?.code).toBe('LT_CONFIG_DEMO_SECRETS');
    expect(err?.message).toMatch(/MYVNPOST_PASSWORD.*VNPOST_HCC_SECRET.*NODE_ENV is production/);
  });

  it('sent to a real VNPost address: refused, naming the URL setting without its path', () => {
    const err = failure(() =>
      refusePostalDemoSecrets(
        { MYVNPOST_BASE_URL: 'https://connect-my.vnpost.vn/customer-partner?x=1', MYVNPOST_PASSWORD: SANDBOX_MYVNPOST_PASSWORD },
        undefined,
      ),
    );
    expect(err?.code).toBe('LT_CONFIG_DEMO_SECRETS');
    expect(err?.message).toContain('MYVNPOST_BASE_URL is not the sandbox');
    expect(err?.message).not.toContain('x=1');
  });

  it('real credentials in production: allowed', () => {
    expect(() =>
      refusePostalDemoSecrets(
        { MYVNPOST_BASE_URL: 'https://connect-my.vnpost.vn', MYVNPOST_PASSWORD: 'a-real-one', VNPOST_HCC_SECRET: 'another' },
        'production',
      ),
    ).not.toThrow();
  });
});
