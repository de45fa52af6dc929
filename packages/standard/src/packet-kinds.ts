/**
 * Every packet the standard knows, by kind: its schema, whether it comes as a batch (one item or an array), and
 * the checks JSON Schema cannot express. The gateway's POST /v1/validate and the CLI both go through
 * validatePacket, so they report exactly what ingest reports.
 */
import { validateBatch } from './batch.js';
import { checkPersonIdentified } from './citizen/citizen-checks.js';
import { checkDossierItem } from './dossier/dossier-checks.js';
import { validateDossierBatch } from './dossier/validate-dossier-batch.js';
import { checkDossierRequest, checkProgressRequest } from './envelope-checks.js';
import { StandardErrorCode as C, issue, type ValidationResult } from './errors.js';
import { checkProgressItem } from './progress/progress-checks.js';
import { validateProgressBatch } from './progress/validate-progress-batch.js';
import { checkRatingItem } from './rating/rating-checks.js';
import { schemaIds } from './schema-ids.js';
import { validateAgainst, type PacketCheck } from './validate-schema.js';

interface KindSpec {
  schemaId: string;
  /** Accepts one item or an array of items (default: exactly one object). */
  batch?: boolean;
  check?: PacketCheck;
}

const specs = {
  // Batches of these two go through validateDossierBatch / validateProgressBatch; `check` serves checkOfSchema.
  dossier: { schemaId: schemaIds.dossierItem, batch: true, check: checkDossierItem },
  progress: { schemaId: schemaIds.progressItem, batch: true, check: checkProgressItem },
  'dossier-request': { schemaId: schemaIds.dossierRequest, check: checkDossierRequest },
  'progress-request': { schemaId: schemaIds.progressRequest, check: checkProgressRequest },
  'dvcqg-login-request': { schemaId: schemaIds.loginRequest },
  'dvcqg-login-response': { schemaId: schemaIds.loginResponse },
  'dvcqg-request': { schemaId: schemaIds.serviceRequest },
  'dvcqg-response': { schemaId: schemaIds.serviceResponse },
  'tra-cuu-ho-so-request': { schemaId: schemaIds.traCuuHoSoRequest },
  'tra-cuu-ho-so-response': { schemaId: schemaIds.traCuuHoSoResponse },
  'lay-thu-tuc-request': { schemaId: schemaIds.layThuTucRequest },
  'lay-thu-tuc-response': { schemaId: schemaIds.layThuTucResponse },
  'lay-danh-sach-tthc-response': { schemaId: schemaIds.layDanhSachTthcResponse },
  'lay-danh-muc-co-quan-response': { schemaId: schemaIds.layDanhMucCoQuanResponse },
  'lay-danh-muc-linh-vuc-response': { schemaId: schemaIds.layDanhMucLinhVucResponse },
  'lay-dvc-response': { schemaId: schemaIds.layDvcResponse },
  'tra-cuu-tech-id-request': { schemaId: schemaIds.traCuuTechIdRequest },
  'tra-cuu-tech-id-response': { schemaId: schemaIds.traCuuTechIdResponse },
  rating: { schemaId: schemaIds.ratingItem, batch: true, check: checkRatingItem },
  'dong-bo-trang-thai-ho-so-request': { schemaId: schemaIds.dongBoTrangThaiHoSoRequest },
  'hoi-dap-response': { schemaId: schemaIds.hoiDapResponse },
  'hoi-dap-question': { schemaId: schemaIds.hoiDapQuestionItem, batch: true },
  'hoi-dap-answer': { schemaId: schemaIds.hoiDapAnswerItem, batch: true },
  'dvcqg-inbound-create': { schemaId: schemaIds.inboundCreate },
  'dvcqg-inbound-amend': { schemaId: schemaIds.inboundAmend },
  'dvcqg-inbound-tax-notice': { schemaId: schemaIds.inboundTaxNotice },
  'dvcqg-inbound-reply': { schemaId: schemaIds.inboundReply },
  'dvcqg-tax-notice-reply': { schemaId: schemaIds.taxNoticeReply },
  'paygov-init': { schemaId: schemaIds.paygovInitRequest },
  'paygov-init-response': { schemaId: schemaIds.paygovInitResponse },
  'paygov-query': { schemaId: schemaIds.paygovQueryRequest },
  'paygov-query-response': { schemaId: schemaIds.paygovQueryResponse },
  'paygov-get-bill': { schemaId: schemaIds.paygovGetBillRequest },
  'paygov-confirm': { schemaId: schemaIds.paygovConfirmCallback },
  'paygov-confirm-reply': { schemaId: schemaIds.paygovConfirmReply },
  citizen: { schemaId: schemaIds.citizen, check: checkPersonIdentified },
  'citizen-lookup-request': { schemaId: schemaIds.citizenLookupRequest, check: checkPersonIdentified },
  business: { schemaId: schemaIds.business },
  'event-dossier-overdue': { schemaId: schemaIds.dossierOverdueEvent },
  'event-sync-outcome': { schemaId: schemaIds.syncOutcomeEvent },
  'event-payment-settled': { schemaId: schemaIds.paymentSettledEvent },
  'event-payment-expired': { schemaId: schemaIds.paymentExpiredEvent },
  'event-payment-refunded': { schemaId: schemaIds.paymentRefundedEvent },
  'event-payment-receipted': { schemaId: schemaIds.paymentReceiptedEvent },
  'event-citizen-lookup-audited': { schemaId: schemaIds.citizenLookupAuditedEvent },
  'event-dossier-deadline': { schemaId: schemaIds.dossierDeadlineEvent },
  'event-dossier-apology': { schemaId: schemaIds.dossierApologyEvent },
  'event-postal-status': { schemaId: schemaIds.postalStatusEvent },
  'event-inbound-packet': { schemaId: schemaIds.inboundPacketEvent },
  'event-national-outbound': { schemaId: schemaIds.nationalOutboundEvent },
} as const satisfies Record<string, KindSpec>;

/** A packet kind (the `?kind=` of POST /v1/validate and the CLI's --kind). */
export type PacketKind = keyof typeof specs;

/** Every packet kind. */
export const packetKinds = Object.keys(specs) as PacketKind[];

/** True when `kind` names a packet kind. */
export function isPacketKind(kind: string): kind is PacketKind {
  return Object.hasOwn(specs, kind);
}

/** The schema $id of a packet kind (the CloudEvents dataschema when it is published). */
export function schemaIdOfKind(kind: PacketKind): string {
  return specs[kind].schemaId;
}

const checksBySchemaId = new Map<string, PacketCheck>(
  Object.values(specs as Record<string, KindSpec>).flatMap((s) => (s.check ? [[s.schemaId, s.check] as const] : [])),
);

/** The checks beyond JSON Schema of one packet (not a batch) of the schema `schemaId`, if it has any. */
export function checkOfSchema(schemaId: string): PacketCheck | undefined {
  return checksBySchemaId.get(schemaId);
}

/**
 * Validates a packet of a known kind and returns the normalized packet when ok. Batch kinds (dossier, progress,
 * rating, hoi-dap-question, hoi-dap-answer) accept one item or an array and always return an array. An unknown
 * kind is reported as LT_STD_UNKNOWN_PACKET, never thrown.
 */
export function validatePacket(kind: PacketKind, input: unknown): ValidationResult<unknown> {
  if (typeof kind !== 'string' || !isPacketKind(kind)) {
    return {
      ok: false,
      value: undefined,
      warnings: [],
      errors: [
        issue('', C.UNKNOWN_PACKET, `Không có loại gói tin "${String(kind)}".`, `There is no packet kind "${String(kind)}".`),
      ],
    };
  }
  if (kind === 'dossier') return validateDossierBatch(input);
  if (kind === 'progress') return validateProgressBatch(input);
  const spec: KindSpec = specs[kind];
  if (spec.batch) return validateBatch(input, spec);
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return {
      ok: false,
      value: undefined,
      warnings: [],
      errors: [issue('', C.NOT_OBJECT, 'Gói tin phải là một đối tượng JSON.', 'The packet must be a JSON object.')],
    };
  }
  return validateAgainst(spec.schemaId, input, spec.check);
}
