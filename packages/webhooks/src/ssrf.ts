import { BlockList, isIP } from 'node:net';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { webhookErrors } from './errors.js';

/**
 * Where the hub may send webhooks (SSRF guard). A subscriber chooses the URL, so the URL is hostile input:
 * without this a client could make the hub POST to 127.0.0.1, the cloud metadata service (169.254.169.254)
 * or the province's internal network.
 * - only `https:` unless `allowHttp` (development, tests);
 * - no credentials in the URL;
 * - every address the name resolves to must be public, unless it falls in `allowedNetworks` (CIDRs);
 * - at send time the name is resolved again and the connection goes to the address that was checked
 *   (a custom `lookup`), so DNS rebinding between check and connect cannot redirect it;
 * - redirects are never followed (Node's http client does not follow them; a 3xx counts as a failure).
 */
export interface TargetPolicy {
  allowHttp: boolean;
  /** CIDRs that are allowed although private/loopback/link-local, e.g. `127.0.0.1/32` for the sandbox. */
  allowedNetworks: readonly string[];
}

const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['2001:db8::', 32],
  ['64:ff9b::', 96],
  ['100::', 64],
] as const)
  blocked.addSubnet(net, prefix, 'ipv6');

function allowList(policy: TargetPolicy): BlockList {
  const l = new BlockList();
  for (const cidr of policy.allowedNetworks) {
    const [net, p] = cidr.split('/');
    const fam = isIP(net ?? '');
    if (!fam) throw new Error(`allowed network ${cidr} is not a CIDR`);
    l.addSubnet(net!, Number(p ?? (fam === 4 ? 32 : 128)), fam === 4 ? 'ipv4' : 'ipv6');
  }
  return l;
}

/** An IPv4-mapped IPv6 address (`::ffff:127.0.0.1`) is judged as the IPv4 address it carries. */
function normalise(address: string): { address: string; family: 'ipv4' | 'ipv6' } {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (m) return { address: m[1]!, family: 'ipv4' };
  return { address, family: isIP(address) === 6 ? 'ipv6' : 'ipv4' };
}

export interface TargetGuard {
  /** Syntax checks on a subscription URL (scheme, credentials, length); throws LT_WEBHOOK_TARGET_REFUSED. */
  checkUrl(url: string, path?: string): URL;
  /** Whether a resolved address may be connected to. */
  addressAllowed(address: string): boolean;
  /** checkUrl + resolve the host now and refuse if any address is not allowed (at subscription time). */
  checkTarget(url: string, path?: string): Promise<URL>;
  /** A `lookup` for http.request that only ever yields allowed addresses (at send time). */
  lookup: typeof dnsLookup;
}

export function createTargetGuard(policy: TargetPolicy): TargetGuard {
  const allowed = allowList(policy);
  const addressAllowed = (address: string): boolean => {
    const n = normalise(address);
    if (allowed.check(n.address, n.family)) return true;
    return !blocked.check(n.address, n.family);
  };
  const checkUrl = (text: string, path = '/url'): URL => {
    if (typeof text !== 'string' || text.length > 2048)
      throw webhookErrors.targetRefused(
        'URL missing or longer than 2048 characters',
        'Địa chỉ trống hoặc dài quá 2048 ký tự',
        path,
      );
    let u: URL;
    try {
      u = new URL(text);
    } catch {
      throw webhookErrors.targetRefused('not an absolute URL', 'Không phải địa chỉ URL tuyệt đối', path);
    }
    if (u.protocol !== 'https:' && !(policy.allowHttp && u.protocol === 'http:')) {
      throw webhookErrors.targetRefused(
        policy.allowHttp ? 'only http(s) URLs' : 'only https URLs are accepted',
        policy.allowHttp ? 'Chỉ chấp nhận http(s)' : 'Chỉ chấp nhận địa chỉ https',
        path,
      );
    }
    if (u.username || u.password)
      throw webhookErrors.targetRefused(
        'credentials in the URL are not accepted',
        'Không được đặt thông tin đăng nhập trong URL',
        path,
      );
    const host = u.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host) && !addressAllowed(host))
      throw webhookErrors.targetRefused(
        `address ${host} is private, loopback or reserved`,
        `Địa chỉ ${host} thuộc mạng nội bộ hoặc dành riêng`,
        path,
      );
    return u;
  };
  const resolveAll = (host: string): Promise<LookupAddress[]> =>
    new Promise((resolve, reject) =>
      dnsLookup(host, { all: true, verbatim: true }, (err, addrs) => (err ? reject(err) : resolve(addrs))),
    );
  const guardedLookup = ((hostname: string, options: unknown, callback: unknown) => {
    const cb = (typeof options === 'function' ? options : callback) as (
      err: NodeJS.ErrnoException | null,
      a?: unknown,
      f?: number,
    ) => void;
    const opts = (typeof options === 'object' && options !== null ? options : {}) as { all?: boolean };
    resolveAll(hostname).then(
      (addrs) => {
        const ok = addrs.filter((a) => addressAllowed(a.address));
        if (ok.length === 0 || ok.length !== addrs.length) {
          const e = Object.assign(new Error(`webhook target ${hostname} resolves to a private, loopback or reserved address`), {
            code: 'LT_WEBHOOK_TARGET_REFUSED',
          });
          return cb(e);
        }
        if (opts.all) cb(null, ok);
        else cb(null, ok[0]!.address, ok[0]!.family);
      },
      (err) => cb(err),
    );
  }) as unknown as typeof dnsLookup;
  return {
    checkUrl,
    addressAllowed,
    async checkTarget(text, path = '/url') {
      const u = checkUrl(text, path);
      const host = u.hostname.replace(/^\[|\]$/g, '');
      if (isIP(host)) return u;
      let addrs: LookupAddress[];
      try {
        addrs = await resolveAll(host);
      } catch {
        throw webhookErrors.targetRefused(`host ${host} does not resolve`, `Không phân giải được tên miền ${host}`, path);
      }
      const bad = addrs.find((a) => !addressAllowed(a.address));
      if (bad)
        throw webhookErrors.targetRefused(
          `host ${host} resolves to a private, loopback or reserved address`,
          `Tên miền ${host} trỏ tới địa chỉ nội bộ hoặc dành riêng`,
          path,
        );
      return u;
    },
    lookup: guardedLookup,
  };
}
