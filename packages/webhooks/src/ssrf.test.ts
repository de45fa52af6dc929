import { describe, expect, it } from 'vitest';
import { createTargetGuard } from './ssrf.js';

const production = createTargetGuard({ allowHttp: false, allowedNetworks: [] });

describe('SSRF guard', () => {
  it.each([
    ['http://hooks.example.vn/x', /only https/],
    ['https://127.0.0.1/x', /private, loopback or reserved/],
    ['https://10.1.2.3/x', /private/],
    ['https://169.254.169.254/latest/meta-data', /private/],
    ['https://[::1]/x', /private/],
    ['https://[::ffff:127.0.0.1]/x', /private/],
    ['https://[fe80::1]/x', /private/],
    ['https://0.0.0.0/x', /private/],
    ['https://user:pw@hooks.example.vn/x', /credentials/],
    ['ftp://hooks.example.vn/x', /only https/],
    ['not a url', /absolute URL/],
  ])('refuses %s', async (url, why) => {
    await expect(production.checkTarget(url)).rejects.toMatchObject({
      code: 'LT_WEBHOOK_TARGET_REFUSED',
      message: expect.stringMatching(why),
    });
  });

  it('resolves names and refuses one that points at loopback (localhost)', async () => {
    await expect(production.checkTarget('https://localhost:8443/hook')).rejects.toMatchObject({
      code: 'LT_WEBHOOK_TARGET_REFUSED',
      message: expect.stringMatching(/resolves to a private/),
    });
  });

  it('accepts a public https address literal', async () => {
    await expect(production.checkTarget('https://203.119.8.10/hook')).resolves.toBeInstanceOf(URL);
  });

  it('allows loopback only when configured, and still refuses other private ranges', async () => {
    const dev = createTargetGuard({ allowHttp: true, allowedNetworks: ['127.0.0.1/32', '::1/128'] });
    await expect(dev.checkTarget('http://127.0.0.1:9/x')).resolves.toBeInstanceOf(URL);
    await expect(dev.checkTarget('http://localhost:9/x')).resolves.toBeInstanceOf(URL);
    await expect(dev.checkTarget('http://192.168.1.1/x')).rejects.toMatchObject({ code: 'LT_WEBHOOK_TARGET_REFUSED' });
  });

  it('the send-time lookup refuses a name resolving to a blocked address (DNS re-checked at connect)', async () => {
    const err = await new Promise<NodeJS.ErrnoException | null>((resolve) =>
      (production.lookup as unknown as (h: string, o: object, cb: (e: NodeJS.ErrnoException | null) => void) => void)(
        'localhost',
        { all: true },
        resolve,
      ),
    );
    expect(err?.code).toBe('LT_WEBHOOK_TARGET_REFUSED');
  });
});
