import { hexSignatureEquals } from '@lienthong/protocol-kit';
import { validatePaygovConfig, type PaygovSignerConfig } from './config.js';
import {
  buildPaygovInit,
  readPaygovInitReply,
  type PaygovInitMessage,
  type PaygovInitOutcome,
  type PaygovInitRequest,
} from './init.js';
import {
  buildPaygovLookup,
  readPaygovQueryResponse,
  type PaygovLookupMessage,
  type PaygovLookupRequest,
  type PaygovQueryOutcome,
} from './query.js';
import { verifyPaygovConfirm, type PaygovConfirmResult } from './confirm.js';
import { computeMaXacThuc, fieldWithSeparator, type PaygovHashKind } from './ma-xac-thuc.js';

/** Everything one platform partner needs, secret closed over (not a property, so it cannot be logged by accident). */
export interface PaygovSigner {
  readonly maDoiTac: string;
  /** INIT message (§8). Throws PaygovError on bad input. */
  buildInit(req: PaygovInitRequest): PaygovInitMessage;
  /** Reads the INIT reply → UrlThanhToan. Never throws. */
  readInitReply(body: unknown): PaygovInitOutcome;
  /** QUERY message. Throws PaygovError on bad input. */
  buildQuery(req: PaygovLookupRequest): PaygovLookupMessage;
  /** GET_BILL message (the answer is the receipt's PDF bytes). Throws PaygovError on bad input. */
  buildGetBill(req: PaygovLookupRequest): PaygovLookupMessage;
  /** Verifies and interprets a QUERY answer; unverifiable → `no_answer`. Never throws. */
  readQueryResponse(body: unknown, expect: { maThamChieu: string }): PaygovQueryOutcome;
  /** Verifies a confirm callback; on refusal carries the "99" reply to send. Never throws. */
  verifyConfirm(body: unknown): PaygovConfirmResult;
  /** Low level: MaXacThuc of `values` for `kind` (the sandbox signs confirms and answers with it). */
  sign(kind: PaygovHashKind, values: Readonly<Record<string, unknown>>): string;
  /** Low level: constant-time check of a received MaXacThuc. */
  verify(kind: PaygovHashKind, values: Readonly<Record<string, unknown>>, maXacThuc: unknown): boolean;
}

/**
 * Creates the signer of one partner of the DVCQG payment platform ("PayGov"). Validates the config (throws
 * LT_PAYGOV_INVALID_CONFIG listing every problem). Pure: no clock, no I/O.
 */
export function createPaygovSigner(config: PaygovSignerConfig): PaygovSigner {
  const partner = Object.freeze(validatePaygovConfig(config));
  const sign = (kind: PaygovHashKind, values: Readonly<Record<string, unknown>>) =>
    computeMaXacThuc(kind, values, partner.secret);
  return Object.freeze({
    maDoiTac: partner.maDoiTac,
    buildInit: (req: PaygovInitRequest) => buildPaygovInit(partner, req),
    readInitReply: (body: unknown) => readPaygovInitReply(body),
    buildQuery: (req: PaygovLookupRequest) => buildPaygovLookup(partner, 'QUERY', req),
    buildGetBill: (req: PaygovLookupRequest) => buildPaygovLookup(partner, 'GET_BILL', req),
    readQueryResponse: (body: unknown, expect: { maThamChieu: string }) => readPaygovQueryResponse(partner, body, expect),
    verifyConfirm: (body: unknown) => verifyPaygovConfirm(partner, body),
    sign,
    // A value holding the chain separator never verifies (fieldWithSeparator); sign would throw on it.
    verify: (kind: PaygovHashKind, values: Readonly<Record<string, unknown>>, maXacThuc: unknown) =>
      fieldWithSeparator(kind, values) === undefined && hexSignatureEquals(sign(kind, values), maXacThuc),
  });
}
