import { describe, expect, it } from 'vitest';
import { refuseRegistryDemoSecrets, SANDBOX_REGISTRY_SECRETS } from './demo-secrets.js';

const failure = (f: () => void) => {
  try {
    f();
  } catch (e) {
    return e as { code?: string; message?: string };
  }
  return undefined;
};

describe('citizen-data: the registry simulators’ secrets never serve a live start', () => {
  const sandbox = { CSDL_TOKEN_URL: 'http://127.0.0.1:8090/csdl/token', CSDL_SERVICE_URL: 'http://127.0.0.1:8090/csdl/soap' };

  it('against the sandbox outside production (npm start): allowed', () => {
    expect(() =>
      refuseRegistryDemoSecrets({ ...sandbox, CSDL_SECRET_KEY: SANDBOX_REGISTRY_SECRETS.CSDL_SECRET_KEY }, undefined),
    ).not.toThrow();
  });

  it('in production, or sent to a real LGSP: refused, naming each setting', () => {
    const prod = failure(() =>
      refuseRegistryDemoSecrets(
        { ...sandbox, ...SANDBOX_REGISTRY_SECRETS, DKKD_ADAPTER_URL: 'http://127.0.0.1:8090/dkkd' },
        'production',
      ),
    );
    expect(prod?.code).toBe('LT_CONFIG_DEMO_SECRETS');
    expect(prod?.message).toMatch(/CSDL_SECRET_KEY.*DKKD_CONSUMER_SECRET.*DKKD_ESB_SECRET_KEY/);
    const live = failure(() =>
      refuseRegistryDemoSecrets(
        { CSDL_SERVICE_URL: 'https://lgsp.tinh.gov.vn/csdldc', CSDL_SECRET_KEY: SANDBOX_REGISTRY_SECRETS.CSDL_SECRET_KEY },
        undefined,
      ),
    );
    expect(live?.message).toContain('CSDL_SERVICE_URL is not the sandbox');
  });

  it('real secrets in production: allowed', () => {
    expect(() =>
      refuseRegistryDemoSecrets({ CSDL_SERVICE_URL: 'https://lgsp.tinh.gov.vn/csdldc', CSDL_SECRET_KEY: 'real' }, 'production'),
    ).not.toThrow();
  });
});
