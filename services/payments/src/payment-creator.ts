import { randomUUID } from 'node:crypto';
import { clientMayActFor, HubError, type ApiClient, type Clock, type Logger } from '@lienthong/platform';
import type { Provider } from './provider.js';
import { merchantIdOf, type MerchantRegistry } from './merchants.js';
import type { NewPayment, PaymentStore } from './ledger/payment-store.js';
import type { PaymentRecord } from './ledger/payment-record.js';
import type { ProviderAdapters, Payer } from './providers/provider-adapter.js';
import type { PaymentMetrics } from './metrics.js';
import { feesTotal, type FeeLine } from './fees.js';
import { amountLimits } from './amount-limits.js';
import { agencyCodeOfMaHoSo } from '@lienthong/standard';
import { newPaymentCode } from '@lienthong/vietqr';
import {
  forbiddenAgency,
  invalidRequest,
  PaymentErrorCodes,
  providerNotConfigured,
  transferCodeExhausted,
  unknownAgency,
} from './errors.js';

export interface CreatePaymentInput {
  MaHoSo: string;
  agencyCode?: string;
  provider: Provider;
  fees: FeeLine[];
  amount: number;
  payer: Payer;
  returnUrl: string;
  ipAddr?: string;
  orderInfo?: string;
  locale?: 'vi' | 'en';
}

export interface CreatedPayment {
  paymentId: string;
  payUrl: string;
  /** VietQR: `{payload, transferCode, bin, accountNumber, accountName, qrPng}` (a data: URL). */
  vietqr?: Record<string, unknown>;
  expiresAt: string;
  orderRef: string;
  status: PaymentRecord['status'];
}

export interface PaymentCreatorDeps {
  store: PaymentStore;
  adapters: ProviderAdapters;
  merchants: MerchantRegistry;
  clock: Clock;
  logger: Logger;
  metrics: PaymentMetrics;
  publicUrl: string;
  ttlMinutes: number;
  firstCheckSeconds: number;
  /** Draws a VietQR transfer code (default: 40 random bits, @lienthong/vietqr newPaymentCode). */
  drawTransferCode?: () => string;
}

/**
 * Draws of a VietQR transfer code before a create gives up. The ledger's unique index holds every code ever
 * issued (it never expires), so with n codes issued a draw repeats one with probability n/2^40 (one in a million
 * at n ≈ 1.1 million), and by the birthday bound a repeat somewhere among n codes is likely (~40%) around
 * n ≈ 2^20: a repeat is an expected event at provincial scale, not a freak. Each draw is independent, so five
 * all repeating needs (n/2^40)^5 — never, short of a ledger holding a large fraction of the 2^40 codes.
 */
const TRANSFER_CODE_DRAWS = 5;

const isTransferCodeRepeat = (err: unknown) =>
  (err as { code?: string }).code === '23505' && (err as { constraint?: string }).constraint === 'payments_transfer_code_unique';

export interface PaymentCreator {
  create(client: ApiClient, input: CreatePaymentInput, callerIp: string): Promise<CreatedPayment>;
}

/**
 * Creates a payment: ledger row first (`created`), then the provider, then `pending`. The row exists
 * before the provider hears of the order, so no notification can ever arrive for an order the ledger
 * does not know; a provider failure or timeout marks the row `failed` (nobody holds its pay URL, so it
 * can never be paid) and answers a clear 502. A crash between the two leaves `created`, which
 * reconciliation queries and expires like any pending payment.
 */
export function createPaymentCreator(deps: PaymentCreatorDeps): PaymentCreator {
  const draw = deps.drawTransferCode ?? (() => newPaymentCode());
  /** Inserts the `created` row; for VietQR draws the transfer code again while the ledger already holds it. */
  async function insertWithCode(p: NewPayment, provider: Provider, log: Logger) {
    if (provider !== 'vietqr') return deps.store.insertCreated(p);
    for (let attempt = 1; attempt <= TRANSFER_CODE_DRAWS; attempt++) {
      try {
        return await deps.store.insertCreated({ ...p, transferCode: draw() });
      } catch (err) {
        if (!isTransferCodeRepeat(err)) throw err;
        log.warn({ attempt }, 'transfer code already issued; drawing again');
      }
    }
    throw transferCodeExhausted(TRANSFER_CODE_DRAWS);
  }
  return {
    async create(client, input, callerIp) {
      const details = [];
      // The payment goes to the receiving agency's merchant, and that agency is always the MaHoSo's
      // prefix [code T3]: a caller-named agency once let a client scoped to A create (and route money to
      // A's merchant) for B's dossier (issue 17 §1). `agencyCode`, if sent, must agree.
      const agencyCode = agencyCodeOfMaHoSo(input.MaHoSo);
      if (!agencyCode) {
        details.push({
          path: '/MaHoSo',
          code: 'LT_PAY_BAD_MA_HO_SO',
          message: 'MaHoSo phải có dạng <mã cơ quan>-<yyMMdd>-<số thứ tự>',
          message_en: 'MaHoSo must be <agency code>-<yyMMdd>-<sequence>',
        });
      } else if (input.agencyCode !== undefined && input.agencyCode !== agencyCode) {
        details.push({
          path: '/agencyCode',
          code: PaymentErrorCodes.agencyMismatch,
          message: `agencyCode ${input.agencyCode} khác mã cơ quan của hồ sơ (${agencyCode})`,
          message_en: `agencyCode ${input.agencyCode} differs from the dossier's agency (${agencyCode})`,
        });
      }
      const total = feesTotal(input.fees);
      if (total !== input.amount) {
        details.push({
          path: '/amount',
          code: 'LT_PAY_FEES_MISMATCH',
          message: `Tổng lệ phí ${total} khác số tiền ${input.amount}`,
          message_en: `fees add up to ${total}, amount is ${input.amount}`,
        });
      }
      const lim = amountLimits[input.provider];
      if (input.amount < lim.min || input.amount > lim.max) {
        details.push({
          path: '/amount',
          code: 'LT_PAY_AMOUNT_OUT_OF_RANGE',
          message: `${input.provider} chỉ nhận từ ${lim.min} đến ${lim.max} VND`,
          message_en: `${input.provider} accepts ${lim.min} to ${lim.max} VND`,
        });
      }
      if (details.length) throw invalidRequest(details);
      const agency = agencyCode as string;
      // The route checked the scope already (assertAgencyScope); kept here so no other caller can skip it.
      if (!clientMayActFor(client, agency)) throw forbiddenAgency(agency);
      const account = deps.merchants.forAgency(agency);
      if (!account) throw unknownAgency(agency);
      const merchant = merchantIdOf(account, input.provider);
      const adapter = deps.adapters[input.provider];
      if (!merchant || !adapter) throw providerNotConfigured(agency, input.provider);

      const now = deps.clock.now();
      const paymentId = randomUUID();
      // One order reference per attempt, never per dossier: VNPAY wants vnp_TxnRef unique within the day [V1],
      // MoMo a unique orderId [M1]. 32 hex characters fit every provider's pattern.
      const orderRef = paymentId.replace(/-/g, '');
      const log = deps.logger.child({ paymentId, provider: input.provider, merchant });
      // VietQR: the code the citizen's transfer text carries is drawn afresh; the unique index refuses a code
      // already issued and insertWithCode draws again (a clear 503, retriable, if every draw repeats).
      const payment = await insertWithCode(
        {
          paymentId,
          maHoSo: input.MaHoSo,
          agencyCode: agency,
          clientId: client.id,
          provider: input.provider,
          merchant,
          orderRef,
          amount: input.amount,
          fees: input.fees,
          returnUrl: input.returnUrl,
          createdAt: now,
          expiresAt: new Date(now.getTime() + deps.ttlMinutes * 60_000),
          firstCheckAt: new Date(now.getTime() + deps.firstCheckSeconds * 1000),
        },
        input.provider,
        log,
      );
      let created;
      try {
        created = await adapter.create({
          payment,
          account,
          orderInfo: input.orderInfo ?? `Thanh toan le phi ho so ${input.MaHoSo}`,
          ipAddr: input.ipAddr ?? callerIp,
          locale: input.locale ?? 'vi',
          payer: input.payer,
          returnUrl: `${deps.publicUrl}/v1/return/${input.provider}`,
          notifyUrl: `${deps.publicUrl}/v1/ipn/${input.provider}`,
        });
      } catch (err) {
        const code = err instanceof HubError ? err.code : 'LT_INTERNAL';
        await deps.store
          .markCreateFailed(paymentId, { reason: code }, deps.clock.now())
          .catch((e) => log.error({ err: e }, 'could not mark the payment failed'));
        deps.metrics.creations.inc({
          provider: input.provider,
          outcome: code === 'LT_PAY_PROVIDER_TIMEOUT' ? 'timeout' : code === 'LT_PAY_PROVIDER_REFUSED' ? 'refused' : 'error',
        });
        log.warn({ code }, 'payment not created at the provider');
        throw err;
      }
      const pending = await deps.store.markPending(paymentId, created, deps.clock.now());
      deps.metrics.creations.inc({ provider: input.provider, outcome: 'created' });
      log.info({ amount: input.amount }, 'payment created');
      return {
        paymentId,
        payUrl: created.payUrl,
        expiresAt: payment.expiresAt.toISOString(),
        orderRef,
        status: pending?.status ?? 'pending',
        ...(created.extra ? { vietqr: created.extra } : {}),
      };
    },
  };
}
