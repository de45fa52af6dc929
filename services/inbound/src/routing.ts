import { Ajv } from 'ajv';
import { HubError } from '@lienthong/platform';
import { agencyCodeOfMaHoSo } from '@lienthong/standard';

/**
 * Which provincial agency an inbound packet belongs to. DVCQG's MaHoSo for a promotion dossier may not carry
 * a provincial agency code [inf], so: the MaHoSo's agency when it has one; else the routing file by MaTTHC,
 * then by the enterprise's province code (`DiaChiDoanhNghiep.MaTinh`); else its default. No agency at all =
 * unrouted: published, kept and shown to operators, never dropped.
 */
export interface RoutingTable {
  byMaTTHC?: Record<string, string>;
  byProvince?: Record<string, string>;
  default?: string;
}

const ajv = new Ajv({ allErrors: true, strict: true });
const agency = { type: 'string', pattern: '^[A-Za-z0-9.]{1,40}$' } as const;
const validate = ajv.compile({
  type: 'object',
  additionalProperties: false,
  properties: {
    byMaTTHC: { type: 'object', additionalProperties: agency, maxProperties: 100_000 },
    byProvince: { type: 'object', additionalProperties: agency, maxProperties: 1_000 },
    default: agency,
  },
});

export function createRouter(table: unknown): (packet: Record<string, unknown>) => string | undefined {
  if (!validate(table)) {
    const why = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
    throw new HubError('LT_CONFIG_INVALID', `inbound routing file is invalid: ${why}`, { kind: 'internal' });
  }
  const t = table as RoutingTable;
  return (packet) => {
    const fromCode = typeof packet.MaHoSo === 'string' ? agencyCodeOfMaHoSo(packet.MaHoSo) : undefined;
    if (fromCode) return fromCode;
    const tthc = typeof packet.MaTTHC === 'string' ? t.byMaTTHC?.[packet.MaTTHC] : undefined;
    if (tthc) return tthc;
    const addr = packet.DiaChiDoanhNghiep as { MaTinh?: unknown } | undefined;
    const province =
      addr && (typeof addr.MaTinh === 'string' || typeof addr.MaTinh === 'number')
        ? t.byProvince?.[String(addr.MaTinh)]
        : undefined;
    return province ?? t.default;
  };
}
