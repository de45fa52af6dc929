import { createHash, randomUUID } from 'node:crypto';
import type { Clock, Logger, Pool } from '@lienthong/platform';
import type { SecretBox } from '@lienthong/webhooks';
import {
  createPaygovBillProvider,
  createViettelReceiptProvider,
  createVnptReceiptProvider,
  paygovBillKey,
  ReceiptUncertainError,
  type IssueResult,
  type ReceiptProvider,
  type ReceiptRequest,
} from '@lienthong/e-receipt';
import type { Queryable, Webhooks } from '@lienthong/webhooks';
import { createEvent, type CloudEvent, type EventProducer } from '@lienthong/events';

export const PAYMENT_RECEIPTED = 'vn.lienthong.payment.receipted';
/** [inf] The schema file is not written yet in schemas/ (packages/standard generates validators from it). */
export const PAYMENT_RECEIPTED_SCHEMA_ID = 'https://lienthong.gov.vn/schemas/events/payment-receipted.v1.json';
import { receiptAgency, type ReceiptsFile } from './receipts-config.js';

interface SettledData {
  paymentId?: unknown;
  MaHoSo?: unknown;
  agencyCode?: unknown;
  amount?: unknown;
  fees?: { TenPhiLePhi?: unknown; MaPhiLePhi?: unknown; SoTien?: unknown }[];
  paidAt?: unknown;
  provider?: unknown;
  merchant?: unknown;
  orderRef?: unknown;
}

/** Accounts of PayGov partners live under this prefix in the ledger's `account` column (`paygov:<MaDoiTac>`). */
const PAYGOV_ACCOUNT = 'paygov:';

type StoredRequest = Omit<ReceiptRequest, 'issuedAt' | 'key'> & { issuedAt: string };

/**
 * Electronic fee receipts (issue 12 §3), issued after a verified settlement only: the trigger is
 * `payment.settled` on payment.events.v1, which payments publishes after signature, amount and order checks
 * (never from a browser return). One receipt per payment id whatever the duplicates (IPN twice, IPN and
 * reconciliation): the row's primary key is the payment id and the provider key is the payment id too, so a
 * provider call repeated after a crash or a timeout is recognised by the provider (VNPT `ERR:13`, Viettel returns
 * the same invoice for the same transactionUuid) and recovered by key before anything is issued again.
 */
export function createReceipts(deps: {
  pool: Pool;
  box: SecretBox;
  clock: Clock;
  logger: Logger;
  file: ReceiptsFile;
  timeoutMs: number;
  recheckMs: number;
  pollMs: number;
  leaseMs: number;
  /** Where `payment.receipted` goes (payment.events.v1, key = payment id), and the webhook queue. */
  producer?: Pick<EventProducer, 'publish'>;
  topic?: string;
  webhooks?: Pick<Webhooks, 'enqueue'>;
}) {
  const log = deps.logger.child({ component: 'receipts' });
  const providers = new Map<string, ReceiptProvider>();
  const providerFor = (account: string, pattern: string, serial: string): ReceiptProvider => {
    const k = `${account}|${pattern}|${serial}`;
    let p = providers.get(k);
    if (!p && account.startsWith(PAYGOV_ACCOUNT)) {
      const maDoiTac = account.slice(PAYGOV_ACCOUNT.length);
      const g = deps.file.paygov?.[maDoiTac];
      if (!g) throw new Error(`receipts file has no PayGov partner ${maDoiTac}`);
      p = createPaygovBillProvider({ getBillUrl: g.getBillUrl, maDoiTac, secretKey: g.secretKey, timeoutMs: deps.timeoutMs });
      providers.set(k, p);
    }
    if (!p) {
      const a = deps.file.accounts[account]!;
      p =
        a.vendor === 'vnpt'
          ? createVnptReceiptProvider({
              publishUrl: a.publishUrl,
              portalUrl: a.portalUrl,
              credentials: { account: a.account, acPass: a.acPass, username: a.username, password: a.password },
              pattern,
              serial,
              timeoutMs: deps.timeoutMs,
            })
          : createViettelReceiptProvider({
              account: {
                baseUrl: a.baseUrl,
                username: a.username,
                password: a.password,
                supplierTaxCode: a.supplierTaxCode,
                invoiceType: a.invoiceType,
                templateCode: pattern,
                invoiceSeries: serial,
              },
              timeoutMs: deps.timeoutMs,
            });
      providers.set(k, p);
    }
    return p;
  };

  /** In the consumer's transaction: queue the receipt of a settled payment (no-op for an agency without receipts). */
  async function queue(
    c: Queryable,
    eventId: string,
    data: SettledData,
    payerName: string | undefined,
    procedureCode: string | undefined,
  ): Promise<boolean> {
    const paymentId = typeof data.paymentId === 'string' ? data.paymentId : undefined;
    const maHoSo = typeof data.MaHoSo === 'string' ? data.MaHoSo : undefined;
    const agency = typeof data.agencyCode === 'string' ? data.agencyCode : undefined;
    const amount =
      typeof data.amount === 'number' && Number.isSafeInteger(data.amount) && data.amount > 0 ? data.amount : undefined;
    if (!paymentId || !maHoSo || !agency || !amount) return false;
    const a = receiptAgency(deps.file, agency);
    if (!a) return false;
    const fees = Array.isArray(data.fees) ? data.fees : [];
    const lines = fees
      .filter((f) => typeof f?.SoTien === 'number' && f.SoTien > 0)
      .map((f, i) => ({
        code: typeof f.MaPhiLePhi === 'string' && f.MaPhiLePhi ? f.MaPhiLePhi : (procedureCode ?? `PHI${i + 1}`),
        name: typeof f.TenPhiLePhi === 'string' ? f.TenPhiLePhi : 'Phí, lệ phí',
        amount: f.SoTien as number,
      }));
    const request: StoredRequest = {
      maHoSo,
      ...(procedureCode ? { procedureCode } : {}),
      payerName: payerName ?? `Người nộp hồ sơ ${maHoSo}`,
      issuedAt: typeof data.paidAt === 'string' ? data.paidAt : deps.clock.now().toISOString(),
      paymentMethod: 'CK',
      lines: lines.length ? lines : [{ code: procedureCode ?? 'PHI', name: 'Phí, lệ phí', amount }],
      total: amount,
    };
    const now = deps.clock.now();
    // A fee paid through PayGov: the platform issued its receipt; it is fetched with GET_BILL (when the receipts
    // file knows the partner), keyed by MaThamChieu and the confirmation's time. Otherwise the agency's provider
    // issues it, keyed by the payment id.
    const paidAt = typeof data.paidAt === 'string' && !Number.isNaN(Date.parse(data.paidAt)) ? new Date(data.paidAt) : now;
    const paygov =
      data.provider === 'paygov' &&
      typeof data.merchant === 'string' &&
      typeof data.orderRef === 'string' &&
      deps.file.paygov?.[data.merchant] !== undefined
        ? { account: `${PAYGOV_ACCOUNT}${data.merchant}`, key: paygovBillKey(data.orderRef, paidAt) }
        : undefined;
    const r = await c.query(
      `INSERT INTO receipts (payment_id, ma_ho_so, agency, agency_tax_code, vendor, account, provider_key, pattern, serial, amount, request_sealed, status,
         next_attempt_at, source_event_id, created_at, updated_at)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,'pending',$12,$13,$12,$12) ON CONFLICT (payment_id) DO NOTHING`,
      [
        paymentId,
        maHoSo,
        agency,
        a.taxCode,
        paygov ? 'paygov' : deps.file.accounts[a.account]!.vendor,
        paygov ? paygov.account : a.account,
        paygov ? paygov.key : paymentId,
        paygov ? '' : a.pattern,
        paygov ? '' : a.serial,
        amount,
        deps.box.seal(JSON.stringify(request)),
        now,
        eventId,
      ],
    );
    return (r.rowCount ?? 0) > 0;
  }

  interface Row {
    payment_id: string;
    ma_ho_so: string;
    account: string;
    provider_key: string;
    pattern: string;
    serial: string;
    request_sealed: string;
    prev_status: string;
    attempts: number;
  }

  async function claim(): Promise<Row[]> {
    const now = deps.clock.now();
    const r = await deps.pool.query<Row>(
      `WITH c AS (SELECT payment_id, status FROM receipts WHERE status IN ('pending','issuing','uncertain') AND next_attempt_at <= $1 AND (lease_until IS NULL OR lease_until <= $1)
                  ORDER BY next_attempt_at LIMIT 10 FOR UPDATE SKIP LOCKED)
       UPDATE receipts r SET status = 'issuing', lease_until = $2, attempts = r.attempts + 1, updated_at = $1
       FROM c WHERE r.payment_id = c.payment_id
       RETURNING r.payment_id, r.ma_ho_so, r.account, r.provider_key, r.pattern, r.serial, r.request_sealed, c.status AS prev_status, r.attempts`,
      [now, new Date(now.getTime() + deps.leaseMs)],
    );
    return r.rows;
  }

  async function save(id: string, fields: Record<string, unknown>): Promise<void> {
    const keys = Object.keys(fields);
    await deps.pool.query(
      `UPDATE receipts SET ${keys.map((k, i) => `${k} = $${i + 2}`).join(', ')}, lease_until = NULL, updated_at = $${keys.length + 2} WHERE payment_id = $1`,
      [id, ...Object.values(fields), deps.clock.now()],
    );
  }

  function receiptedEvent(row: Record<string, unknown>): CloudEvent {
    return createEvent({
      source: 'urn:lienthong:notifications',
      type: PAYMENT_RECEIPTED,
      subject: String(row.payment_id),
      dataschema: PAYMENT_RECEIPTED_SCHEMA_ID,
      id: String(row.event_id),
      time: row.issued_at as Date,
      data: {
        paymentId: row.payment_id,
        MaHoSo: row.ma_ho_so,
        agencyCode: row.agency,
        agencyTaxCode: row.agency_tax_code,
        provider: row.vendor,
        providerKey: row.provider_key,
        pattern: row.pattern,
        serial: row.serial,
        number: row.number,
        amount: Number(row.amount),
        pdfSha256: row.pdf_sha256,
      },
    });
  }

  /** Publishes payment.receipted for issued rows not yet published (after each issue, and on every pass). */
  async function publishPending(): Promise<void> {
    if (!deps.producer || !deps.topic) return;
    const rows = (
      await deps.pool.query(
        `SELECT * FROM receipts WHERE status = 'issued' AND event_published_at IS NULL ORDER BY issued_at LIMIT 50`,
      )
    ).rows;
    for (const row of rows) {
      await deps.producer.publish(deps.topic, [receiptedEvent(row)]);
      await deps.pool.query('UPDATE receipts SET event_published_at = $2 WHERE payment_id = $1', [
        row.payment_id,
        deps.clock.now(),
      ]);
    }
  }

  async function issued(m: Row, p: ReceiptProvider, r: Extract<IssueResult, { ok: true }>): Promise<void> {
    let pdf: Buffer | undefined;
    let note = r.note ?? null;
    try {
      pdf = await p.pdf(m.provider_key, r);
    } catch (err) {
      note = `${note ? `${note}; ` : ''}PDF not fetched yet: ${(err as Error).message.slice(0, 200)}`;
    }
    const c = await deps.pool.connect();
    try {
      await c.query('BEGIN');
      const row = (
        await c.query(
          `UPDATE receipts SET status = 'issued', pattern = $2, serial = $3, number = $4, issued_at = $5, error_code = NULL, error_message = NULL, note = $6,
             pdf = $7, pdf_sha256 = $8, request_sealed = NULL, event_id = $9, lease_until = NULL, updated_at = $5
           WHERE payment_id = $1 RETURNING *`,
          [
            m.payment_id,
            r.pattern,
            r.serial,
            r.number,
            deps.clock.now(),
            note,
            pdf ?? null,
            pdf ? createHash('sha256').update(pdf).digest('hex') : null,
            randomUUID(),
          ],
        )
      ).rows[0];
      // Provinces subscribed to payment.receipted hear of it through the webhook outbox, in this transaction.
      if (deps.webhooks && row)
        await deps.webhooks.enqueue(c, receiptedEvent(row) as unknown as Parameters<Webhooks['enqueue']>[1], String(row.agency));
      await c.query('COMMIT');
    } catch (err) {
      await c.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      c.release();
    }
    log.info(
      { paymentId: m.payment_id, maHoSo: m.ma_ho_so, pattern: r.pattern, serial: r.serial, number: r.number },
      'receipt issued',
    );
  }

  async function process(m: Row): Promise<void> {
    const p = providerFor(m.account, m.pattern, m.serial);
    const req = JSON.parse(deps.box.open(m.request_sealed)) as StoredRequest;
    const request: ReceiptRequest = { ...req, key: m.provider_key, issuedAt: new Date(req.issuedAt) };
    try {
      // A call whose outcome was unknown (timeout, crash while issuing): look the key up before issuing again.
      if (m.prev_status === 'uncertain' || m.prev_status === 'issuing') {
        const found = await p.lookup(m.provider_key);
        if (found?.ok) return await issued(m, p, found);
      }
      const r = await p.issue(request);
      if (r.ok) return await issued(m, p, r);
      if (r.duplicateKey) {
        const found = await p.lookup(m.provider_key);
        if (found?.ok) return await issued(m, p, { ...found, note: `${r.code} on issue; ${found.note ?? 'recovered by key'}` });
      }
      if (r.retriable && m.attempts < 10) {
        await save(m.payment_id, {
          status: 'pending',
          error_code: r.code,
          error_message: r.messageVi,
          next_attempt_at: new Date(deps.clock.now().getTime() + Math.min(3_600_000, 10_000 * 2 ** m.attempts)),
        });
        return;
      }
      await save(m.payment_id, { status: 'failed', error_code: r.code, error_message: r.messageVi, request_sealed: null });
      log.error(
        { paymentId: m.payment_id, maHoSo: m.ma_ho_so, code: r.code, reason: r.message },
        'receipt refused by the provider: operator attention',
      );
    } catch (err) {
      if (err instanceof ReceiptUncertainError) {
        // Viettel: never two creates for one transactionUuid at once, and ≥ 90 s before re-sending [doc R4].
        await save(m.payment_id, {
          status: 'uncertain',
          error_code: err.code,
          error_message: err.message.slice(0, 300),
          last_call_at: deps.clock.now(),
          next_attempt_at: new Date(deps.clock.now().getTime() + deps.recheckMs),
        });
        log.warn({ paymentId: m.payment_id, maHoSo: m.ma_ho_so }, 'receipt call outcome unknown; recovering by key later');
        return;
      }
      throw err;
    }
  }

  let timer: NodeJS.Timeout | undefined;
  let stopped = true;
  let running: Promise<unknown> | undefined;
  async function tick(): Promise<number> {
    const rows = await claim();
    for (const m of rows) {
      // One at a time: a provider is never sent two calls for the same key, and calls are few.
      await process(m).catch((err) =>
        log.error({ err, paymentId: m.payment_id }, 'receipt could not be processed; retried after the lease'),
      );
    }
    await publishPending().catch((err) => log.warn({ err }, 'payment.receipted not published yet; retried on the next pass'));
    return rows.length;
  }
  const loop = async () => {
    if (stopped) return;
    try {
      running = tick();
      await running;
    } catch (err) {
      log.warn({ err }, 'receipts pass failed');
    } finally {
      running = undefined;
    }
    if (!stopped) timer = setTimeout(loop, deps.pollMs);
  };

  return {
    queue,
    tick,
    start() {
      if (!stopped) return;
      stopped = false;
      timer = setTimeout(loop, 0);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running?.catch(() => undefined);
    },
    /** Fetches and stores the PDF of an issued receipt that has none yet. */
    async fetchPdf(paymentId: string): Promise<Buffer | undefined> {
      const r = (
        await deps.pool.query(
          'SELECT account, provider_key, pattern, serial, number FROM receipts WHERE payment_id = $1 AND status = $2',
          [paymentId, 'issued'],
        )
      ).rows[0];
      if (!r) return undefined;
      const pdf = await providerFor(r.account, r.pattern, r.serial).pdf(r.provider_key, {
        pattern: r.pattern,
        serial: r.serial,
        number: r.number,
      });
      await deps.pool.query('UPDATE receipts SET pdf = $2, pdf_sha256 = $3 WHERE payment_id = $1 AND pdf IS NULL', [
        paymentId,
        pdf,
        createHash('sha256').update(pdf).digest('hex'),
      ]);
      return pdf;
    },
  };
}
export type Receipts = ReturnType<typeof createReceipts>;
