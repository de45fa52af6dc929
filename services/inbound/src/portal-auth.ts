import { createHash, timingSafeEqual } from 'node:crypto';
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import type { FastifyRequest } from 'fastify';
import { HubError } from '@lienthong/platform';
import { InboundErrorCodes } from './errors.js';

export interface PortalAuthOptions {
  /** Shared token; undefined = no token check (then an address allow-list is required). */
  token?: string;
  /** Header carrying it; `authorization` expects `Bearer <token>`. */
  header: string;
  /** CIDRs the portal calls from; empty = any address. */
  allowedNetworks: readonly string[];
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * How the national portal proves itself on its calls to the province. The reference does not say
 * (OpenCPS's `/nps` resource shows no check of its own [code S4]; deployments sit behind the LGSP), so
 * both usual schemes are configurable and may be combined [inf]: a shared token and an address
 * allow-list. The service refuses to start with neither (deny by default).
 */
export function createPortalAuth(opts: PortalAuthOptions) {
  if (!opts.token && opts.allowedNetworks.length === 0) {
    throw new HubError(
      'LT_CONFIG_INVALID',
      'inbound: set INBOUND_PORTAL_TOKEN or INBOUND_ALLOWED_NETWORKS (or both): the portal’s calls must be authenticated',
      { kind: 'internal' },
    );
  }
  const allowed = new BlockList();
  for (const cidr of opts.allowedNetworks) {
    const [addr, bits] = cidr.split('/');
    const type = isIPv6(addr ?? '') ? 'ipv6' : 'ipv4';
    if (!addr || !(isIPv4(addr) || isIPv6(addr)))
      throw new HubError('LT_CONFIG_INVALID', `inbound: not a network: ${cidr}`, { kind: 'internal' });
    allowed.addSubnet(addr, Number(bits ?? (type === 'ipv6' ? 128 : 32)), type);
  }
  const expected = opts.token ? digest(opts.token) : undefined;
  return function check(req: FastifyRequest): void {
    if (opts.allowedNetworks.length > 0) {
      const ip = req.ip.startsWith('::ffff:') ? req.ip.slice(7) : req.ip;
      const ok = isIPv4(ip) ? allowed.check(ip, 'ipv4') : isIPv6(ip) ? allowed.check(ip, 'ipv6') : false;
      if (!ok) {
        throw new HubError(InboundErrorCodes.FORBIDDEN_ADDRESS, 'caller address is not in the portal allow-list', {
          kind: 'forbidden',
          messageVi: 'Địa chỉ gọi không nằm trong danh sách được phép',
        });
      }
    }
    if (expected) {
      const raw = req.headers[opts.header];
      const value = Array.isArray(raw) ? raw[0] : raw;
      const given = opts.header === 'authorization' ? /^Bearer (.{1,512})$/.exec(value ?? '')?.[1] : value;
      if (!given || !timingSafeEqual(digest(given), expected)) {
        throw new HubError(InboundErrorCodes.UNAUTHENTICATED, 'missing or wrong portal token', {
          kind: 'unauthorized',
          messageVi: 'Thiếu hoặc sai mã xác thực của Cổng DVCQG',
        });
      }
    }
  };
}
