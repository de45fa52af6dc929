/**
 * The $id of every packet schema. An $id is https://lienthong.gov.vn/schemas/<area>/<packet>.<part>.v<N>.json and
 * mirrors the file's path under schemas/ (scripts/generate.mjs enforces it); it is the CloudEvents `dataschema`.
 * A new version of a packet gets a new file and a new $id; an old $id never changes meaning.
 */
const BASE = 'https://lienthong.gov.vn/schemas/';
const dvcqg = (f: string) => `${BASE}dvcqg/${f}.v1.json` as const;
const paygov = (f: string) => `${BASE}paygov/${f}.v1.json` as const;
const events = (f: string) => `${BASE}events/${f}.v1.json` as const;

/** $ids of the packet schemas, by name. schema-ids.test.ts checks this lists every packet schema exactly once. */
export const schemaIds = {
  // DVCQG dossier packets (reference §3, §4)
  dossierItem: dvcqg('dong-bo-ho-so-mc.item'),
  progressItem: dvcqg('cap-nhat-tien-do-ho-so-mc.item'),
  dossierRequest: dvcqg('dong-bo-ho-so-mc.request'),
  progressRequest: dvcqg('cap-nhat-tien-do-ho-so-mc.request'),
  // DVCQG transport and other services (reference §1, §5)
  loginRequest: dvcqg('login.request'),
  loginResponse: dvcqg('login.response'),
  serviceRequest: dvcqg('service-request'),
  serviceResponse: dvcqg('service-response'),
  traCuuHoSoRequest: dvcqg('tra-cuu-ho-so.request'),
  traCuuHoSoResponse: dvcqg('tra-cuu-ho-so.response'),
  layThuTucRequest: dvcqg('lay-thu-tuc.request'),
  layThuTucResponse: dvcqg('lay-thu-tuc.response'),
  layDanhSachTthcResponse: dvcqg('lay-danh-sach-tthc.response'),
  layDanhMucCoQuanResponse: dvcqg('lay-danh-muc-co-quan.response'),
  layDanhMucLinhVucResponse: dvcqg('lay-danh-muc-linh-vuc.response'),
  layDvcResponse: dvcqg('lay-dvc.response'),
  traCuuTechIdRequest: dvcqg('tra-cuu-tech-id.request'),
  traCuuTechIdResponse: dvcqg('tra-cuu-tech-id.response'),
  ratingItem: dvcqg('dong-bo-danh-gia.item'),
  dongBoTrangThaiHoSoRequest: dvcqg('dong-bo-trang-thai-ho-so.request'),
  hoiDapResponse: dvcqg('hoi-dap.response'),
  hoiDapQuestionItem: dvcqg('dong-bo-hoi-dap.item'),
  hoiDapAnswerItem: dvcqg('dong-bo-ket-qua-hoi-dap.item'),
  // Inbound calls from DVCQG (reference §6)
  inboundCreate: dvcqg('tao-ho-so-khuyen-mai.inbound'),
  inboundAmend: dvcqg('sua-doi-ho-so-khuyen-mai.inbound'),
  inboundTaxNotice: dvcqg('thong-bao-thue.inbound'),
  inboundReply: dvcqg('inbound.reply'),
  taxNoticeReply: dvcqg('thong-bao-thue.reply'),
  // PayGov (reference §8)
  paygovInitRequest: paygov('init.request'),
  paygovInitResponse: paygov('init.response'),
  paygovQueryRequest: paygov('query.request'),
  paygovQueryResponse: paygov('query.response'),
  paygovGetBillRequest: paygov('get-bill.request'),
  paygovConfirmCallback: paygov('confirm.callback'),
  paygovConfirmReply: paygov('confirm.reply'),
  // Population database and business registry, normalized (reference §9, §10)
  citizen: `${BASE}csdl-dancu/cong-dan.v1.json`,
  citizenLookupRequest: `${BASE}csdl-dancu/tra-cuu-cong-dan.request.v1.json`,
  business: `${BASE}dkkd/doanh-nghiep.v1.json`,
  // Our own event payloads (design, Contracts); dossier.upserted/progressed carry dossierItem/progressItem
  dossierOverdueEvent: events('dossier-overdue'),
  syncOutcomeEvent: events('sync-outcome'),
  paymentSettledEvent: events('payment-settled'),
  paymentExpiredEvent: events('payment-expired'),
  paymentRefundedEvent: events('payment-refunded'),
  paymentReceiptedEvent: events('payment-receipted'),
  citizenLookupAuditedEvent: events('citizen-lookup-audited'),
  dossierDeadlineEvent: events('dossier-deadline'),
  dossierApologyEvent: events('dossier-apology'),
  postalStatusEvent: events('postal-status'),
  inboundPacketEvent: events('inbound-packet'),
  nationalOutboundEvent: events('national-outbound'),
} as const;

/** Name of a packet schema in schemaIds. */
export type SchemaName = keyof typeof schemaIds;
