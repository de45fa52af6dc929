import { describe, expect, it } from 'vitest';
import { HubError } from '@lienthong/platform';
import { parseListQuery, parseNoQuery, QueryDetailCodes } from './list-query.js';
import { decodeCursor, encodeCursor } from '../ledger/list-cursor.js';

/** The HubError a query is refused with (the test fails if it is accepted). */
function refusal(query: unknown, parse: (q: unknown) => unknown = parseListQuery): HubError {
  try {
    parse(query);
  } catch (err) {
    if (err instanceof HubError) return err;
    throw err;
  }
  throw new Error(`accepted: ${JSON.stringify(query).slice(0, 200)}`);
}

const cursor = encodeCursor({ createdAt: '2025-01-15T03:04:05.123456Z', paymentId: '0b8e5b6e-7f2a-4a43-9e53-2b2f0c1d9a10' });

describe('parseListQuery', () => {
  it('reads every filter and defaults the page size to 50', () => {
    expect(parseListQuery({})).toEqual({ limit: 50 });
    expect(parseListQuery(undefined)).toEqual({ limit: 50 });
    expect(
      parseListQuery({
        status: 'paid',
        review: 'true',
        maHoSo: '000.00.01.H22-250115-0001',
        provider: 'vietqr',
        limit: '200',
        cursor,
      }),
    ).toEqual({
      status: 'paid',
      review: true,
      maHoSo: '000.00.01.H22-250115-0001',
      provider: 'vietqr',
      limit: 200,
      after: { createdAt: '2025-01-15T03:04:05.123456Z', paymentId: '0b8e5b6e-7f2a-4a43-9e53-2b2f0c1d9a10' },
    });
    expect(parseListQuery({ review: 'false', limit: '1' })).toEqual({ review: false, limit: 1 });
  });

  it.each([
    ['limit', '0'],
    ['limit', '201'],
    ['limit', '-1'],
    ['limit', '1e2'],
    ['limit', '007'],
    ['limit', ' 5'],
    ['limit', '5.0'],
    ['status', 'PAID'],
    ['status', 'review'],
    ['status', "paid' OR 1=1 --"],
    ['review', '1'],
    ['review', 'yes'],
    ['provider', 'visa'],
    ['maHoSo', '<script>alert(1)</script>'],
    ['maHoSo', "000.00.01.H22-250115-0001' OR '1'='1"],
    ['maHoSo', '000.00.01.H22-250115-1'],
    ['maHoSo', ''],
    ['cursor', 'not a cursor'],
    ['cursor', ''],
    ['cursor', Buffer.from("2025-01-15T03:04:05.123456Z|x' OR 1=1").toString('base64url')],
    // A calendar date that is not one (Date.parse would roll it over; Postgres would refuse it: a 500).
    ['cursor', encodeCursor({ createdAt: '2025-02-30T00:00:00.000000Z', paymentId: '0b8e5b6e-7f2a-4a43-9e53-2b2f0c1d9a10' })],
    ['cursor', encodeCursor({ createdAt: '2025-01-15T03:04:05.123Z', paymentId: '0b8e5b6e-7f2a-4a43-9e53-2b2f0c1d9a10' })],
  ])('refuses %s=%j with a 400 naming it', (name, value) => {
    const err = refusal({ [name]: value });
    expect(err.code).toBe('LT_PAY_INVALID_REQUEST');
    expect(err.kind).toBe('invalid');
    expect(err.message).toContain(name);
    // Longer than any valid value could be (a status beyond 7 characters) is "too long", else "invalid".
    const code = name === 'status' && value.length > 7 ? QueryDetailCodes.tooLong : QueryDetailCodes.invalid;
    expect(err.details).toEqual([expect.objectContaining({ path: `querystring/${name}`, code })]);
    // The value is never echoed back.
    if (value.length > 3) expect(JSON.stringify(err.details)).not.toContain(value);
  });

  it('refuses oversize values as too long, without echoing them', () => {
    for (const name of ['status', 'maHoSo', 'provider', 'limit', 'cursor', 'review']) {
      const err = refusal({ [name]: 'a'.repeat(100_000) });
      expect(err.details).toEqual([expect.objectContaining({ path: `querystring/${name}`, code: QueryDetailCodes.tooLong })]);
      expect(JSON.stringify(err.details).length).toBeLessThan(1000);
    }
  });

  it('refuses a repeated parameter (an array) and a non-string value', () => {
    expect(refusal({ status: ['paid', 'failed'] }).details).toEqual([
      expect.objectContaining({ path: 'querystring/status', code: QueryDetailCodes.repeated }),
    ]);
    expect(refusal({ limit: { $gt: 1 } }).details).toEqual([
      expect.objectContaining({ path: 'querystring/limit', code: QueryDetailCodes.tooLong }),
    ]);
  });

  it('names unknown parameters (cut short, at most ten) and lists the known ones', () => {
    const err = refusal({ agency: '*', sort: 'amount' });
    expect(err.details.map((d) => d.path)).toEqual(['querystring/agency', 'querystring/sort']);
    expect(err.details[0]!.message_en).toContain('known: status, review, maHoSo, provider, limit, cursor');
    const many = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`x${i}${'y'.repeat(200)}`, '1']));
    const e2 = refusal(many);
    expect(e2.details).toHaveLength(10);
    expect(e2.details.every((d) => d.path.length < 'querystring/'.length + 45)).toBe(true);
    expect(e2.message).toContain('and more');
  });

  it('collects every problem of one query string in one answer', () => {
    const err = refusal({ status: 'nope', limit: '999', provider: ['a', 'b'], zzz: '1' });
    expect(err.details.map((d) => [d.path, d.code])).toEqual([
      ['querystring/status', QueryDetailCodes.invalid],
      ['querystring/limit', QueryDetailCodes.invalid],
      ['querystring/provider', QueryDetailCodes.repeated],
      ['querystring/zzz', QueryDetailCodes.unknown],
    ]);
  });

  it('does not take inherited names for parameters', () => {
    const q = JSON.parse('{"__proto__": {"limit": "5"}, "constructor": "x"}') as unknown;
    const err = refusal(q);
    expect(err.details.map((d) => d.path).sort()).toEqual(['querystring/__proto__', 'querystring/constructor']);
  });
});

describe('parseNoQuery', () => {
  it('accepts nothing and refuses any parameter by name', () => {
    expect(() => parseNoQuery({})).not.toThrow();
    expect(() => parseNoQuery(undefined)).not.toThrow();
    const err = refusal({ agency: '000.00.01.H10' }, parseNoQuery);
    expect(err.details).toEqual([expect.objectContaining({ path: 'querystring/agency', code: QueryDetailCodes.unknown })]);
    expect(err.details[0]!.message_en).toContain('this route takes none');
  });
});

describe('list cursor', () => {
  it('round-trips and refuses what this service did not write', () => {
    expect(decodeCursor(cursor)).toEqual({
      createdAt: '2025-01-15T03:04:05.123456Z',
      paymentId: '0b8e5b6e-7f2a-4a43-9e53-2b2f0c1d9a10',
    });
    expect(decodeCursor(`${cursor}=`)).toBeUndefined();
    expect(decodeCursor(`${cursor}AAAA`)).toBeUndefined();
    expect(
      decodeCursor(encodeCursor({ createdAt: '1969-12-31T23:59:59.000000Z', paymentId: '0b8e5b6e-7f2a-4a43-9e53-2b2f0c1d9a10' })),
    ).toBeUndefined();
    expect(
      decodeCursor(encodeCursor({ createdAt: '2025-01-15T03:04:05.123456Z', paymentId: '0B8E5B6E-7F2A-4A43-9E53-2B2F0C1D9A10' })),
    ).toBeUndefined();
  });
});
