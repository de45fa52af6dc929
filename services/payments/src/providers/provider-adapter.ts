import type { Provider } from '../provider.js';
import type { Verdict } from '../ledger/observation.js';
import type { PaymentRecord } from '../ledger/payment-record.js';
import type { MerchantAccount } from '../merchants.js';

/** The payer, as the provincial system sends it. Personal data: never logged (platform redaction covers `payer`). */
export interface Payer {
  fullName?: string;
  personalId?: string;
  address?: string;
  district?: string;
  province?: string;
  phone?: string;
  email?: string;
}

export interface CreateAtProvider {
  payment: PaymentRecord;
  account: MerchantAccount;
  /** Free text shown at the provider; adapters reduce it to what their protocol allows. */
  orderInfo: string;
  /** The citizen's IP (VNPAY vnp_IpAddr); the caller's when not given. */
  ipAddr: string;
  locale: 'vi' | 'en';
  payer: Payer;
  /** Our browser return URL for this provider (display only). */
  returnUrl: string;
  /** Our notification URL for this provider (MoMo takes it per request). */
  notifyUrl: string;
}

export interface CreatedAtProvider {
  payUrl: string;
  /** Channel-specific data for the caller of POST /v1/payments (VietQR: payload, image, account); no secrets. */
  extra?: Record<string, unknown>;
  /** What later status queries need, kept in the ledger (no secrets, no personal data). */
  providerData: Record<string, string>;
  providerCode: string;
}

/** A status query's answer: a verified verdict, or no answer at all (never read as "unpaid"). */
export type QueryAnswer = { verified: true; verdict: Verdict } | { verified: false; reason: string; code?: string };

/** A notification after signature checks: which order it is about, and what it says. */
export type NotificationCheck =
  | { ok: true; merchant: string; orderRef: string; verdict: Verdict }
  | { ok: false; reason: 'malformed' | 'unknown_merchant' | 'bad_signature'; message: string };

export interface ProviderAdapter {
  readonly provider: Provider;
  /** Creates the payment at the provider. Throws LT_PAY_PROVIDER_TIMEOUT / _ERROR / _REFUSED (HubError). */
  create(req: CreateAtProvider): Promise<CreatedAtProvider>;
  /** Asks the provider for the payment's status. Never throws for provider trouble: that is `verified: false`. */
  query(payment: PaymentRecord, account: MerchantAccount): Promise<QueryAnswer>;
}

export type ProviderAdapters = Readonly<Record<Provider, ProviderAdapter | undefined>>;

/** One refund sent to a provider: our ids, and what to refund. */
export interface RefundAttempt {
  refundId: string;
  /** Our reference of the refund at the provider (MoMo: the new orderId). */
  providerRef: string;
  amount: number;
  reason: string;
  /**
   * How many other provider refunds of the same payment exist (any state). A provider query that lists the
   * order's refunds without our reference (VNPAY querydr) cannot say which one it shows when this is above 0.
   */
  otherProviderRefunds?: number;
}

/**
 * A provider's word on a refund: done, refused (a documented failure code: the only answer that frees the
 * amount), nothing verifiable (timeout, garbage: ask again later), or `unconfirmed` — the provider answered
 * verifiably but shows no trace of this refund, or cannot tell it from another. Absence from a query is an
 * inferred reading (payments.md §1.7/§2.5 do not say a refund in flight is listed at once), so it never
 * fails a refund: the refund stays pending, on the review list, until a definitive answer or an operator.
 */
export type RefundAnswer =
  | { state: 'succeeded'; providerTxnId: string; code: string }
  | { state: 'failed'; code: string; message: string }
  | { state: 'unknown'; reason: string }
  | { state: 'unconfirmed'; code: UnconfirmedRefundCode; reason: string };

/** The refund call's own answer: definitive, or nothing verifiable. */
export type RefundCallAnswer = Exclude<RefundAnswer, { state: 'unconfirmed' }>;

/** Why a refund is unconfirmed: the provider lists no such refund, or lists one it cannot attribute. */
export type UnconfirmedRefundCode = 'ABSENT' | 'AMBIGUOUS';

/** A provider's refund API (VNPAY's refund command, MoMo's refund API; docs/payments.md §9). */
export interface RefundApi {
  /** Sends the refund. Its own answer is definitive or nothing (`unknown`): only a later check can be `unconfirmed`. */
  refund(payment: PaymentRecord, account: MerchantAccount, attempt: RefundAttempt): Promise<RefundCallAnswer>;
  /** Recovers a refund whose answer was lost, by the provider's query. */
  check(payment: PaymentRecord, account: MerchantAccount, attempt: RefundAttempt): Promise<RefundAnswer>;
}
