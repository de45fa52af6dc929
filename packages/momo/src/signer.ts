import { hexSignatureEquals } from '@lienthong/protocol-kit';
import { validateMomoConfig, type MomoSignerConfig } from './config.js';
import {
  buildMomoCreate,
  verifyMomoCreateResponse,
  type MomoCreateBody,
  type MomoCreateOutcome,
  type MomoCreateRequest,
} from './create.js';
import { verifyMomoIpn, type MomoIpnResult } from './ipn.js';
import {
  buildMomoQuery,
  readMomoQueryResponse,
  type MomoQueryBody,
  type MomoQueryOutcome,
  type MomoQueryRequest,
} from './query.js';
import { momoHmac, momoRawString, type MomoRawValue, type MomoSignatureKind } from './raw-signature.js';

/** Everything one MoMo partner needs, keys closed over (not properties, so they cannot be logged by accident). */
export interface MomoSigner {
  readonly partnerCode: string;
  /** Builds and signs a create request (§2.1, §2.2). Throws MomoError on bad input. */
  buildCreate(req: MomoCreateRequest): MomoCreateBody;
  /** Verifies a create answer against the request. Never throws. */
  verifyCreateResponse(body: unknown, expect: { orderId: string; requestId: string; amountVnd: number }): MomoCreateOutcome;
  /** Verifies an IPN body (§2.3). Never throws. */
  verifyIpn(body: unknown): MomoIpnResult;
  /** Builds and signs a query (§2.5). Throws MomoError on bad input. */
  buildQuery(req: MomoQueryRequest): MomoQueryBody;
  /** Interprets a query answer bound to its request. Never throws. */
  readQueryResponse(body: unknown, expect: { orderId: string; requestId: string }): MomoQueryOutcome;
  /** Low level: the signature of a documented string (accessKey is added). Used by the sandbox to sign as MoMo does. */
  sign(kind: MomoSignatureKind, values: Readonly<Record<string, MomoRawValue>>): string;
  /** Low level: constant-time check of a received signature over a documented string. */
  verify(kind: MomoSignatureKind, values: Readonly<Record<string, MomoRawValue>>, signature: unknown): boolean;
  /** The raw string MoMo would sign — what MoMo quotes back in `subErrors` on a bad signature [M5 #39]. */
  rawString(kind: MomoSignatureKind, values: Readonly<Record<string, MomoRawValue>>): string;
}

/**
 * Creates the signer of one MoMo partner (AIO v2, one-time payment). Validates the config (throws
 * LT_MOMO_INVALID_CONFIG listing every problem). Pure: no clock, no I/O.
 */
export function createMomoSigner(config: MomoSignerConfig): MomoSigner {
  const partner = Object.freeze(validateMomoConfig(config));
  const rawString = (kind: MomoSignatureKind, values: Readonly<Record<string, MomoRawValue>>) =>
    momoRawString(kind, { ...values, accessKey: partner.accessKey });
  const sign = (kind: MomoSignatureKind, values: Readonly<Record<string, MomoRawValue>>) =>
    momoHmac(partner.secretKey, rawString(kind, values));
  return Object.freeze({
    partnerCode: partner.partnerCode,
    buildCreate: (req: MomoCreateRequest) => buildMomoCreate(partner, req),
    verifyCreateResponse: (body: unknown, expect: { orderId: string; requestId: string; amountVnd: number }) =>
      verifyMomoCreateResponse(partner, body, expect),
    verifyIpn: (body: unknown) => verifyMomoIpn(partner, body),
    buildQuery: (req: MomoQueryRequest) => buildMomoQuery(partner, req),
    readQueryResponse: (body: unknown, expect: { orderId: string; requestId: string }) =>
      readMomoQueryResponse(partner, body, expect),
    sign,
    verify: (kind: MomoSignatureKind, values: Readonly<Record<string, MomoRawValue>>, signature: unknown) =>
      hexSignatureEquals(sign(kind, values), signature),
    rawString,
  });
}
