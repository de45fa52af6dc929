/**
 * Event contracts: every event a producer really builds carries, in `dataschema`, the $id of a schema under
 * schemas/ that its `data` satisfies (design.md, Contracts), and its envelope survives the wire as a CloudEvent.
 * The events come from the producers' own code — the gateway's ingest and the payments event builders — never from
 * hand-written copies, so a producer drifting from its schema (or a schema edited without its producer) fails here.
 * No Kafka or Postgres: the producers' event-building code is pure.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeEvent, encodeEvent, type CloudEvent, type EventProducer } from '@lienthong/events';
import { createApiClientRegistry, generateApiKey, hashApiKey } from '@lienthong/platform';
import { schemaIds, validateEventData } from '@lienthong/standard';
import { createIngest, type IngestKind } from '../../services/gateway/src/ingest.js';
import { paymentExpiredEvent, paymentSettledEvent } from '../../services/payments/src/events/payment-events.js';
import { mapPaymentRow } from '../../services/payments/src/ledger/payment-record.js';
import { createMerchantRegistry, merchantIdOf } from '../../services/payments/src/merchants.js';
import type { FeeLine } from '../../services/payments/src/fees.js';
import type { Provider } from '../../services/payments/src/provider.js';
import type { SettlementSource } from '../../services/payments/src/ledger/observation.js';
import { outcomeEvent, type OutcomeInput } from '../../services/national-sync/src/outbox/outcomes.js';
import { dossierItem, progressItem } from '../helpers/dossiers.js';

/** What a consumer does with a record: decode the envelope, then check `data` against the schema it names. */
function expectConformsOnTheWire(event: CloudEvent): CloudEvent {
  const decoded = decodeEvent(encodeEvent(event));
  expect(decoded).toEqual(event);
  const r = validateEventData(decoded.dataschema, decoded.data);
  expect(r.errors, `${decoded.type} against ${decoded.dataschema}`).toEqual([]);
  expect(r.ok).toBe(true);
  return decoded;
}

describe('gateway: vn.lienthong.dossier.upserted / .progressed', () => {
  const clients = createApiClientRegistry({
    clients: [{ id: 'contract-test', name: 'Contract test', keyHash: hashApiKey(generateApiKey()), agencies: ['*'] }],
  });
  const producer = {
    publish: () => Promise.reject(new Error('prepare must not publish')),
  } as unknown as EventProducer;
  const ingest = createIngest({ producer, topic: 'dossier.events.v1', maxItems: 500 });
  const client = clients.clients[0]!;

  const fixtures = new URL('../fixtures/standard/', import.meta.url);
  const bodies = (dir: 'valid' | 'tolerance', kind: IngestKind): [string, unknown][] =>
    readdirSync(new URL(dir, fixtures))
      .filter((f) => f.startsWith(`${kind}.`) && f.endsWith('.json'))
      .map((f) => {
        const json = JSON.parse(readFileSync(new URL(`${dir}/${f}`, fixtures), 'utf8')) as { packet?: unknown };
        // Tolerance vectors wrap the variant a vendor sends; the gateway must still publish canonical data.
        return [`${dir}/${f}`, dir === 'tolerance' ? json.packet : json];
      });

  const cases: [IngestKind, string, string, [string, unknown][]][] = [
    [
      'dossier',
      'vn.lienthong.dossier.upserted',
      schemaIds.dossierItem,
      [
        ['helpers dossierItem batch', [dossierItem(1), dossierItem(2, { TrangThaiHoSo: 4 })]],
        ...bodies('valid', 'dossier'),
        ...bodies('tolerance', 'dossier'),
      ],
    ],
    [
      'progress',
      'vn.lienthong.dossier.progressed',
      schemaIds.progressItem,
      [
        ['helpers progressItem batch', [progressItem(1, 1), progressItem(1, 2)]],
        ...bodies('valid', 'progress'),
        ...bodies('tolerance', 'progress'),
      ],
    ],
  ];

  describe.each(cases)('%s', (kind, type, dataschema, inputs) => {
    it('has bodies to publish', () => expect(inputs.length).toBeGreaterThan(2));
    it.each(inputs)('%s: every event validates against its dataschema and decodes', (_name, body) => {
      const events = ingest.prepare(kind, client, body);
      expect(events.length).toBe(Array.isArray(body) ? body.length : 1);
      for (const e of events) {
        const decoded = expectConformsOnTheWire(e);
        expect(decoded).toMatchObject({ source: 'urn:lienthong:gateway', type, dataschema });
        expect(decoded.subject).toBe((decoded.data as { MaHoSo: string }).MaHoSo);
      }
    });
  });
});

describe('payments: vn.lienthong.payment.settled / .expired', () => {
  // The demo merchants of npm start: real-looking provider-side ids (VNPAY terminal, MoMo partner, PayGov MaDoiTac).
  const merchants = createMerchantRegistry(
    JSON.parse(readFileSync(new URL('../../services/payments/demo/merchants.sandbox.json', import.meta.url), 'utf8')),
  );
  const account = merchants.forAgency('000.00.01.H22')!;
  const merchantOf = Object.fromEntries(
    (['vnpay', 'momo', 'paygov', 'vnptpay', 'vietqr'] as const).map((p) => [p, merchantIdOf(account, p)!]),
  ) as Record<Provider, string>;
  const fees: FeeLine[] = [
    { TenPhiLePhi: 'Lệ phí cấp giấy phép xây dựng', LoaiPhiLePhi: '2', SoTien: 75_000 },
    { TenPhiLePhi: 'Phí thẩm định', MaPhiLePhi: 'TD01', LoaiPhiLePhi: '1', HinhThucThu: '1', SoTien: 25_000 },
    { TenPhiLePhi: 'Lệ phí miễn thu', SoTien: 0 },
  ];
  const createdAt = new Date('2025-01-15T01:30:00.000Z');

  /** A `payments` row as pg returns it (bigint amount as a string, jsonb fees), read the way Settlement reads it. */
  function paymentRow(provider: Provider, status: string, extra: Record<string, unknown> = {}) {
    const paymentId = randomUUID();
    return mapPaymentRow({
      payment_id: paymentId,
      ma_ho_so: '000.00.01.H22-250115-0042',
      agency_code: '000.00.01.H22',
      client_id: 'motcua-h22',
      provider,
      merchant: merchantOf[provider],
      order_ref: paymentId.replace(/-/g, ''),
      amount: '100000',
      fees,
      status,
      status_reason: null,
      review_reason: null,
      provider_txn_id: null,
      provider_code: null,
      pay_url: null,
      return_url: 'https://motcua.h22.example.vn/thanh-toan/ket-qua',
      provider_data: {},
      created_at: createdAt,
      expires_at: new Date(createdAt.getTime() + 15 * 60_000),
      updated_at: createdAt,
      paid_at: null,
      version: 2,
      next_check_at: null,
      check_count: 0,
      unverified_count: 0,
      last_check_at: null,
      last_check_outcome: null,
      ...extra,
    });
  }

  const settlements: [Provider, SettlementSource, string, boolean][] = [
    ['vnpay', 'ipn', '14422574', false],
    ['momo', 'reconciliation', '4088878653', false],
    ['paygov', 'ipn', 'PG-20250115-000123', false],
    ['vnpay', 'operator', '14123456', true],
  ];
  it.each(settlements)('settled via %s (%s): validates against its dataschema and decodes', (provider, source, txn, late) => {
    const paidAt = new Date('2025-01-15T01:34:50.000Z');
    const settledAt = new Date('2025-01-15T01:35:12.345Z');
    const p = paymentRow(provider, 'paid', { provider_txn_id: txn, paid_at: paidAt });
    const decoded = expectConformsOnTheWire(paymentSettledEvent(p, { providerTxnId: txn, paidAt, settledAt, source, late }));
    expect(decoded).toMatchObject({
      source: 'urn:lienthong:payments',
      type: 'vn.lienthong.payment.settled',
      subject: p.paymentId,
      dataschema: schemaIds.paymentSettledEvent,
      data: {
        providerTxnId: txn,
        settledBy: source,
        late,
        amount: 100_000,
        DuocThanhToanTrucTuyen: provider === 'paygov' ? '1' : '2',
      },
    });
  });

  it.each([
    ['momo', 'not paid by expiry (provider not_found 1005)'],
    ['vnpay', 'expired by an operator'],
  ] as [Provider, string][])('expired (%s, "%s"): validates against its dataschema and decodes', (provider, reason) => {
    const p = paymentRow(provider, 'expired', { status_reason: reason });
    const decoded = expectConformsOnTheWire(paymentExpiredEvent(p, { expiredAt: new Date('2025-01-15T01:55:00.000Z'), reason }));
    expect(decoded).toMatchObject({
      source: 'urn:lienthong:payments',
      type: 'vn.lienthong.payment.expired',
      subject: p.paymentId,
      dataschema: schemaIds.paymentExpiredEvent,
    });
  });
});

describe('national-sync: vn.lienthong.sync.<outcome>', () => {
  const now = new Date('2025-01-15T01:35:12.345Z');
  it.each([
    [
      {
        maHoSo: '000.00.01.H22-251120-0001',
        outcome: 'synced',
        service: 'DongBoHoSoMC',
        sourceEventId: randomUUID(),
        attempts: 1,
      },
    ],
    [
      {
        maHoSo: '000.00.01.H22-251120-0002',
        outcome: 'synced',
        service: 'CapNhatTienDoHoSoMC',
        sourceEventId: randomUUID(),
        attempts: 3,
      },
    ],
    [
      {
        maHoSo: '000.00.01.H22-251120-0003',
        outcome: 'rejected',
        service: 'DongBoHoSoMC',
        sourceEventId: randomUUID(),
        attempts: 1,
        errorCode: 'LT_DVCQG_REJECTED',
        portalCode: '-1',
        portalMessage: 'Mã TTHC không tồn tại',
      },
    ],
    [
      {
        maHoSo: '000.00.01.H22-251120-0004',
        outcome: 'retrying',
        service: 'DongBoHoSoMC',
        attempts: 7,
        errorCode: 'LT_HTTP_TIMEOUT',
      },
    ],
    [
      {
        maHoSo: '000.00.01.H22-251120-0005',
        outcome: 'rejected',
        service: 'CapNhatTienDoHoSoMC',
        sourceEventId: randomUUID(),
        attempts: 2,
        errorCode: 'LT_DVCQG_REJECTED',
        portalMessage: 'x'.repeat(5_000),
      },
    ],
  ] as OutcomeInput[][])('%o validates against its dataschema and decodes', (input) => {
    const decoded = expectConformsOnTheWire(outcomeEvent(input, now));
    expect(decoded).toMatchObject({
      source: 'urn:lienthong:national-sync',
      type: `vn.lienthong.sync.${input.outcome}`,
      subject: input.maHoSo,
      dataschema: schemaIds.syncOutcomeEvent,
    });
    expect((decoded.data as { errorCode?: string }).errorCode).toBe(input.errorCode);
  });
});
