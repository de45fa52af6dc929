import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { schemaIds, validateEventData, validatePacket } from '@lienthong/standard';

const vector = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../../tests/fixtures/standard/valid/${name}.json`, import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >;
const settled = vector('event-payment-settled.vnpay');
const expired = vector('event-payment-expired.momo');
const dossier = vector('dossier.status-02-accepted-in-person-citizen');
const pairs = (r: { errors: { path: string; code: string }[] }) => r.errors.map(({ path, code }) => ({ path, code }));

describe('validateEventData', () => {
  it('accepts event data that matches the schema its dataschema names, and returns it unchanged', () => {
    for (const [schema, data] of [
      [schemaIds.paymentSettledEvent, settled],
      [schemaIds.paymentExpiredEvent, expired],
      [schemaIds.dossierItem, dossier],
    ] as const) {
      const r = validateEventData(schema, data);
      expect(r.errors, schema).toEqual([]);
      expect(r.ok).toBe(true);
      expect(r.value).toBe(data);
    }
  });

  it('reports an unknown dataschema with a stable code instead of throwing', () => {
    for (const schema of [
      'https://lienthong.gov.vn/schemas/events/payment-settled.v2.json',
      // shared definitions, not a packet: nothing can conform to it as a whole
      'https://lienthong.gov.vn/schemas/events/common.v1.json',
      '',
      undefined as unknown as string,
    ]) {
      const r = validateEventData(schema, settled);
      expect(r.ok).toBe(false);
      expect(r.value).toBeUndefined();
      expect(pairs(r)).toEqual([{ path: '', code: 'LT_STD_UNKNOWN_SCHEMA' }]);
      expect(r.errors[0]!.message_en).toMatch(/dataschema/);
    }
  });

  it('reports data that is not a JSON object', () => {
    for (const data of [null, [settled], 'x']) {
      expect(pairs(validateEventData(schemaIds.paymentSettledEvent, data))).toEqual([{ path: '', code: 'LT_STD_NOT_OBJECT' }]);
    }
  });

  it('is strict: what validatePacket would normalize is an error in an event', () => {
    const stringAmount = { ...settled, amount: '150000' };
    expect(validatePacket('event-payment-settled', stringAmount).ok).toBe(true);
    expect(pairs(validateEventData(schemaIds.paymentSettledEvent, stringAmount))).toEqual([
      { path: '/amount', code: 'LT_STD_TYPE' },
    ]);
  });

  it('reports every error with its path relative to data', () => {
    // The field names of the first proposal of this schema, before payments existed.
    const { providerTxnId: _t, settledBy: _s, ...rest } = settled;
    const r = validateEventData(schemaIds.paymentSettledEvent, {
      ...rest,
      providerTransactionId: '14422574',
      via: 'notification',
    });
    expect(pairs(r)).toEqual(
      expect.arrayContaining([
        { path: '/providerTxnId', code: 'LT_STD_REQUIRED' },
        { path: '/settledBy', code: 'LT_STD_REQUIRED' },
        { path: '/providerTransactionId', code: 'LT_STD_FIELD_UNKNOWN' },
        { path: '/via', code: 'LT_STD_FIELD_UNKNOWN' },
      ]),
    );
    expect(r.errors).toHaveLength(4);
  });

  it("runs the packet's checks beyond JSON Schema (a dossier's date order, an inferred rule: a warning)", () => {
    const r = validateEventData(schemaIds.dossierItem, { ...dossier, NgayHenTra: '20000101000000' });
    expect(r.ok).toBe(true);
    expect(r.warnings.map((e) => ({ path: e.path, code: e.code }))).toEqual([{ path: '/NgayHenTra', code: 'LT_STD_DATE_ORDER' }]);
    // The MaHoSo is the hub's key: one it cannot key and scope on refuses here too.
    const bad = validateEventData(schemaIds.dossierItem, { ...dossier, MaHoSo: '000.00.01.H22_251120_0001' });
    expect(pairs(bad)).toEqual([{ path: '/MaHoSo', code: 'LT_STD_MAHOSO_INVALID' }]);
    // An event carries what the gateway accepted, warnings included: an unknown field is no refusal.
    const extra = validateEventData(schemaIds.dossierItem, { ...dossier, TruongMoi: 'x' });
    expect(extra.ok).toBe(true);
    expect(extra.warnings.map((e) => ({ path: e.path, code: e.code }))).toEqual([
      { path: '/TruongMoi', code: 'LT_STD_FIELD_UNKNOWN' },
    ]);
  });
});
