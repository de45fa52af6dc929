import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeEvent, parseSigningKeys, verifyRecordSignature } from '@lienthong/events';
import { createTestDatabase, createTestNamespace, deleteTestNamespace, readTopic } from '../../../tests/helpers/index.js';
import { createTestPayments, H22_MERCHANT, newMaHoSo, paymentBody, signedVnpayIpn, type TestPayments } from './harness.js';

const spec = `k2025:${randomBytes(32).toString('base64')}`;
let ns: string;
let db: { url: string; drop: () => Promise<void> };
let svc: TestPayments;

beforeAll(async () => {
  ns = await createTestNamespace();
  db = await createTestDatabase();
  svc = await createTestPayments({ namespace: ns, databaseUrl: db.url, env: { EVENT_SIGNING_KEYS: spec } });
});

afterAll(async () => {
  await svc?.close();
  await db?.drop();
  await deleteTestNamespace(ns);
});

describe('payment events carry the producer signature consumers verify (issue 17 §2)', () => {
  it('a settlement and a refund are published signed; a changed byte or another key fails verification', async () => {
    const created = await svc.app.inject({
      method: 'POST',
      url: '/v1/payments',
      headers: { authorization: `Bearer ${svc.keys['motcua-h22']}`, 'content-type': 'application/json' },
      payload: JSON.stringify(paymentBody(newMaHoSo())),
    });
    const p = created.json() as { paymentId: string; orderRef: string };
    const qs = await signedVnpayIpn({
      tmnCode: H22_MERCHANT.vnpay.tmnCode,
      hashSecret: H22_MERCHANT.vnpay.hashSecret,
      txnRef: p.orderRef,
      amountVnd: 50_000,
    });
    expect((await svc.app.inject({ method: 'GET', url: `/v1/ipn/vnpay?${qs}` })).json().RspCode).toBe('00');
    const refund = await svc.app.inject({
      method: 'POST',
      url: `/v1/payments/${p.paymentId}/refunds`,
      headers: { authorization: `Bearer ${svc.keys.operator}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ amount: 10_000, reason: 'Hoàn phí thừa', mode: 'manual', reference: 'VCB-1' }),
    });
    expect(refund.statusCode, refund.body).toBe(201);
    await svc.core.outbox.drain();
    const records = (await readTopic(svc.topic)).filter((r) => r.key === p.paymentId);
    expect(records.map((r) => decodeEvent(r.value!).type)).toEqual([
      'vn.lienthong.payment.settled',
      'vn.lienthong.payment.refunded',
    ]);
    const keys = parseSigningKeys(spec);
    for (const r of records) {
      expect(() => verifyRecordSignature({ value: r.value, headers: r.headers }, keys)).not.toThrow();
      expect(() => verifyRecordSignature({ value: r.value!.replace('50000', '5000'), headers: r.headers }, keys)).toThrow(
        /signature/,
      );
      expect(() =>
        verifyRecordSignature(
          { value: r.value, headers: r.headers },
          parseSigningKeys(`k2025:${randomBytes(32).toString('base64')}`),
        ),
      ).toThrow(/signature/);
    }
  });
});
