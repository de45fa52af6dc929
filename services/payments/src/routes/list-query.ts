import type { ErrorDetail } from '@lienthong/platform';
import { invalidRequest } from '../errors.js';
import { paymentStatuses, type PaymentStatus } from '../ledger/payment-status.js';
import { providers } from '../provider.js';
import { decodeCursor, MAX_CURSOR_LENGTH } from '../ledger/list-cursor.js';
import type { PaymentListFilter } from '../ledger/payment-reads.js';

/** Largest page of GET /v1/payments, and the page when `limit` is absent. */
export const MAX_LIST_LIMIT = 200;
export const DEFAULT_LIST_LIMIT = 50;

/** The MaHoSo shape payments accepts at creation (payment-routes.ts createPaymentBodySchema). */
export const MA_HO_SO_PATTERN = '^[A-Za-z0-9.]+-[0-9]{6}-[0-9]{4,12}$';
const MA_HO_SO = new RegExp(MA_HO_SO_PATTERN);

/**
 * Codes of the details of a refused query string (the answer's `error` is LT_PAY_INVALID_REQUEST). Query
 * strings are checked here rather than by a fastify schema: ajv's "must NOT have additional properties"
 * does not say which parameter, and our servers do not coerce types (`limit=50` is a string to ajv).
 */
export const QueryDetailCodes = {
  unknown: 'LT_PAY_QUERY_UNKNOWN_PARAMETER',
  repeated: 'LT_PAY_QUERY_REPEATED',
  tooLong: 'LT_PAY_QUERY_TOO_LONG',
  invalid: 'LT_PAY_QUERY_INVALID',
} as const;

/** Unknown parameters named in one answer at most, and their names cut to this length (hostile names). */
const MAX_UNKNOWN_NAMED = 10;
const MAX_NAME_SHOWN = 40;

interface ParamRule<T> {
  max: number;
  /** What the value must be, in both languages, for the error message. */
  expected: { vi: string; en: string };
  parse(v: string): T | undefined;
}

const oneOf = <T extends string>(values: readonly T[]): ParamRule<T> => ({
  max: Math.max(...values.map((v) => v.length)),
  expected: { vi: `một trong ${values.join(', ')}`, en: `one of ${values.join(', ')}` },
  parse: (v) => ((values as readonly string[]).includes(v) ? (v as T) : undefined),
});

const listRules = {
  status: oneOf<PaymentStatus>(paymentStatuses),
  review: {
    max: 5,
    expected: { vi: 'true hoặc false', en: 'true or false' },
    parse: (v: string) => (v === 'true' ? true : v === 'false' ? false : undefined),
  },
  maHoSo: {
    max: 100,
    expected: { vi: 'mã hồ sơ dạng <mã cơ quan>-yyMMdd-<số>', en: 'a MaHoSo, <agency code>-yyMMdd-<number>' },
    parse: (v: string) => (v.length >= 8 && MA_HO_SO.test(v) ? v : undefined),
  },
  provider: oneOf(providers),
  limit: {
    max: 3,
    expected: { vi: `số nguyên từ 1 đến ${MAX_LIST_LIMIT}`, en: `an integer from 1 to ${MAX_LIST_LIMIT}` },
    parse: (v: string) => {
      if (!/^[1-9][0-9]*$/.test(v)) return undefined;
      const n = Number(v);
      return n <= MAX_LIST_LIMIT ? n : undefined;
    },
  },
  cursor: {
    max: MAX_CURSOR_LENGTH,
    expected: { vi: 'giá trị nextCursor của trang trước', en: "the previous page's nextCursor, as given" },
    parse: decodeCursor,
  },
} satisfies Record<string, ParamRule<unknown>>;

type Parsed<R extends Record<string, ParamRule<unknown>>> = {
  [K in keyof R]?: R[K] extends ParamRule<infer T> ? T : never;
};

const detail = (name: string, code: string, vi: string, en: string): ErrorDetail => ({
  path: `querystring/${name}`,
  code,
  message: vi,
  message_en: en,
});

/**
 * Reads a query string against `rules`: every problem is collected, then one 400 names each parameter
 * (`querystring/<name>`), what was wrong and what is expected. The value itself is never echoed (it may be
 * hostile or huge); an unknown parameter's name is, cut short.
 */
export function readQuery<R extends Record<string, ParamRule<unknown>>>(query: unknown, rules: R): Parsed<R> {
  const src = (query && typeof query === 'object' ? query : {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const details: ErrorDetail[] = [];
  const unknown: string[] = [];
  for (const name of Object.keys(src)) {
    if (!Object.prototype.hasOwnProperty.call(rules, name)) {
      unknown.push(name);
      continue;
    }
    const rule = rules[name]!;
    const v = src[name];
    if (Array.isArray(v)) {
      details.push(
        detail(
          name,
          QueryDetailCodes.repeated,
          `Tham số ${name} chỉ được có một lần`,
          `parameter ${name} is given more than once`,
        ),
      );
    } else if (typeof v !== 'string' || v.length > rule.max) {
      details.push(
        detail(
          name,
          QueryDetailCodes.tooLong,
          `Tham số ${name} dài quá ${rule.max} ký tự; cần ${rule.expected.vi}`,
          `parameter ${name} is longer than ${rule.max} characters; expected ${rule.expected.en}`,
        ),
      );
    } else {
      const parsed = rule.parse(v);
      if (parsed === undefined)
        details.push(
          detail(
            name,
            QueryDetailCodes.invalid,
            `Tham số ${name} không hợp lệ; cần ${rule.expected.vi}`,
            `parameter ${name} is invalid; expected ${rule.expected.en}`,
          ),
        );
      else out[name] = parsed;
    }
  }
  const known = Object.keys(rules);
  for (const name of unknown.slice(0, MAX_UNKNOWN_NAMED)) {
    const shown = name.length > MAX_NAME_SHOWN ? `${name.slice(0, MAX_NAME_SHOWN)}…` : name;
    details.push(
      detail(
        shown,
        QueryDetailCodes.unknown,
        `Tham số ${shown} không được hỗ trợ${known.length ? `; chỉ có: ${known.join(', ')}` : '; đường dẫn này không nhận tham số'}`,
        `unknown parameter ${shown}${known.length ? `; known: ${known.join(', ')}` : '; this route takes none'}`,
      ),
    );
  }
  if (details.length) {
    const names = [...new Set(details.map((d) => d.path.slice('querystring/'.length)))].join(', ');
    throw invalidRequest(
      details,
      `invalid query string: ${names}${unknown.length > MAX_UNKNOWN_NAMED ? ' and more' : ''}`,
      `Tham số truy vấn không hợp lệ: ${names}${unknown.length > MAX_UNKNOWN_NAMED ? ' và các tham số khác' : ''}`,
    );
  }
  return out as Parsed<R>;
}

/** The filters of GET /v1/payments; throws LT_PAY_INVALID_REQUEST (400) naming each bad parameter. */
export function parseListQuery(query: unknown): PaymentListFilter {
  const q = readQuery(query, listRules);
  return {
    ...(q.status !== undefined ? { status: q.status } : {}),
    ...(q.review !== undefined ? { review: q.review } : {}),
    ...(q.maHoSo !== undefined ? { maHoSo: q.maHoSo } : {}),
    ...(q.provider !== undefined ? { provider: q.provider } : {}),
    ...(q.cursor !== undefined ? { after: q.cursor } : {}),
    limit: q.limit ?? DEFAULT_LIST_LIMIT,
  };
}

/** For routes that take no query parameter: any one is a 400 naming it. */
export function parseNoQuery(query: unknown): void {
  readQuery(query, {});
}
