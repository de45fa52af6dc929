/**
 * VietQR transfer codes on the real ledger: a code the ledger already holds (the unique index
 * payments_transfer_code_unique) is drawn again instead of failing the create with a 500; when every draw repeats,
 * the answer is a clear, retriable 503 and nothing is created. Collisions are forced by the draw function the
 * creator takes (its default draws 40 random bits).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createApiClientRegistry, createMetricsRegistry, generateApiKey, hashApiKey, systemClock } from '@lienthong/platform';
import { createTestDatabase, createTestNamespace, deleteTestNamespace, quietLogger } from '../../../tests/helpers/index.js';
import { buildApp } from '../src/app.js';
import { createPaymentCreator } from '../src/payment-creator.js';
import { createVietqrAdapter } from '../src/providers/vietqr-adapter.js';
import type { ProviderAdapters } from '../src/providers/provider-adapter.js';
import { createTestPayments, newMaHoSo, paymentBody, type TestPayments } from './harness.js';

let ns: string;
let db: { url: string; drop: () => Promise<void> };
let svc: TestPayments;
const key = generateApiKey();

beforeAll(async () => {
  ns = await createTestNamespace();
  db = await createTestDatabase();
  svc = await createTestPayments({ namespace: ns, databaseUrl: db.url });
});

afterAll(async () => {
  await svc?.close();
  await db?.drop();
  await deleteTestNamespace(ns);
});

/** The payments app with a creator whose transfer codes come from `codes`, in order (then the last one again). */
async function appDrawing(codes: string[]): Promise<{ app: FastifyInstance; draws: () => number }> {
  let n = 0;
  const creator = createPaymentCreator({
    store: svc.core.store,
    adapters: { vietqr: createVietqrAdapter() } as unknown as ProviderAdapters,
    merchants: svc.core.merchants,
    clock: systemClock,
    logger: quietLogger('payments'),
    metrics: svc.core.metrics,
    publicUrl: svc.baseUrl,
    ttlMinutes: 15,
    firstCheckSeconds: 60,
    drawTransferCode: () => codes[Math.min(n++, codes.length - 1)]!,
  });
  const app = await buildApp({
    core: { ...svc.core, creator },
    clients: createApiClientRegistry({
      clients: [{ id: 'motcua-h22', name: 'x', keyHash: hashApiKey(key), agencies: ['*.H22'], roles: ['submitter'] }],
    }),
    logger: quietLogger('payments'),
    metrics: createMetricsRegistry('payments', { defaults: false }),
    clock: systemClock,
    readiness: {},
    bodyLimit: 1_000_000,
    rateLimitPerMinute: 1_000,
    publicUrl: svc.baseUrl,
  });
  return { app, draws: () => n };
}
const create = (app: FastifyInstance, headers: Record<string, string> = {}) =>
  app.inject({
    method: 'POST',
    url: '/v1/payments',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
    payload: JSON.stringify(paymentBody(newMaHoSo(), 'vietqr', 40_000)),
  });
const count = async () => (await svc.pool.query('SELECT count(*)::int AS n FROM payments')).rows[0].n as number;

describe('a transfer code the ledger already holds', () => {
  it('is drawn again: the create succeeds with the next code, one row, no 500', async () => {
    const first = await appDrawing(['LT0000000A']);
    const a = await create(first.app);
    expect(a.statusCode, a.body).toBe(201);
    expect(a.json().vietqr.transferCode).toBe('LT0000000A');
    const before = await count();
    const second = await appDrawing(['LT0000000A', 'LT0000000A', 'LT0000000B']);
    const b = await create(second.app);
    expect(b.statusCode, b.body).toBe(201);
    expect(b.json().vietqr.transferCode).toBe('LT0000000B');
    expect(second.draws()).toBe(3);
    expect(await count()).toBe(before + 1);
    // The ledger row and the citizen's QR carry the new code; the first payment keeps its own.
    expect((await svc.core.store.get(b.json().paymentId))?.transferCode).toBe('LT0000000B');
    expect(b.json().vietqr.payload).toContain('LT0000000B');
    expect((await svc.core.store.get(a.json().paymentId))?.transferCode).toBe('LT0000000A');
    await first.app.close();
    await second.app.close();
  });

  it('every draw repeating gives up after a bounded number of draws: 503, retriable, nothing created, the key reusable', async () => {
    const taken = await appDrawing(['LT000000ZZ']);
    expect((await create(taken.app)).statusCode).toBe(201);
    const before = await count();
    const stuck = await appDrawing(['LT000000ZZ']);
    const r = await create(stuck.app, { 'idempotency-key': 'collide-1' });
    expect(r.statusCode).toBe(503);
    expect(r.json()).toMatchObject({
      error: 'LT_PAY_TRANSFER_CODE_EXHAUSTED',
      message: expect.stringContaining('vui lòng thử lại'),
      message_en: expect.stringContaining('try again'),
    });
    expect(stuck.draws()).toBe(5);
    expect(await count()).toBe(before);
    // The refused attempt released its Idempotency-Key: the retry with a free code is created.
    const retry = await appDrawing(['LT000000ZY']);
    const again = await create(retry.app, { 'idempotency-key': 'collide-1' });
    expect(again.statusCode, again.body).toBe(201);
    expect(again.headers['idempotent-replayed']).toBeUndefined();
    for (const a of [taken, stuck, retry]) await a.app.close();
  });

  it('the real draw: many VietQR payments, every code distinct and well-formed', async () => {
    const codes = new Set<string>();
    for (let i = 0; i < 30; i++) {
      const r = await svc.app.inject({
        method: 'POST',
        url: '/v1/payments',
        headers: { authorization: `Bearer ${svc.keys['motcua-h22']}`, 'content-type': 'application/json' },
        payload: JSON.stringify(paymentBody(newMaHoSo(), 'vietqr', 10_000)),
      });
      expect(r.statusCode, r.body).toBe(201);
      codes.add(r.json().vietqr.transferCode);
    }
    expect(codes.size).toBe(30);
    for (const c of codes) expect(c).toMatch(/^LT[0-9A-HJKMNP-TV-Z]{8}$/);
  });
});
