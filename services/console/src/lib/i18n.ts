/**
 * The console's one message catalogue: Vietnamese first, English as the toggle (design.md; no anchor
 * console ships Vietnamese, console-anchors.md §f.9). Formats follow vi-VN: 98,5 %, dd/mm/yyyy, times in
 * Asia/Ho_Chi_Minh whatever the server's zone.
 */
export type Lang = 'vi' | 'en';

const M = {
  appName: ['Bảng điều khiển Liên Thông', 'Liên Thông console'],
  skip: ['Bỏ qua, tới nội dung chính', 'Skip to main content'],
  navOverview: ['Tổng quan', 'Overview'],
  navDossiers: ['Hồ sơ', 'Dossiers'],
  navDeadLetters: ['Thư lỗi (DLQ)', 'Dead letters'],
  navDeliveries: ['Gửi DVCQG', 'DVCQG deliveries'],
  navPayments: ['Thanh toán', 'Payments'],
  navAudit: ['Nhật ký tra cứu', 'Look-up audit'],
  navIndicators: ['Chỉ số 766', '766 indicators'],
  navOverdue: ['Quá hạn', 'Overdue'],
  navActions: ['Nhật ký thao tác', 'Action log'],
  navPostal: ['Bưu chính', 'Postal'],
  navInbound: ['Từ Cổng DVCQG', 'From the portal'],
  navNotifications: ['Thông báo', 'Notifications'],
  signIn: ['Đăng nhập', 'Sign in'],
  signOut: ['Đăng xuất', 'Sign out'],
  signInTitle: ['Đăng nhập cho cán bộ vận hành', 'Operator sign-in'],
  signInHelp: [
    'Dùng khóa API được cấp cho bạn trong tệp khách hàng API (vai trò viewer, operator hoặc auditor).',
    'Use the API key issued to you in the API clients file (role viewer, operator or auditor).',
  ],
  apiKey: ['Khóa API', 'API key'],
  signInFailed: ['Khóa không hợp lệ hoặc không có vai trò vận hành.', 'Unknown key, or a key without an operator role.'],
  signedInAs: ['Đăng nhập với', 'Signed in as'],
  roles: ['Vai trò', 'Roles'],
  language: ['English', 'Tiếng Việt'],
  serviceUnavailable: ['dịch vụ chưa sẵn sàng', 'service not available'],
  serviceUnavailableLong: [
    'Dịch vụ {name} chưa sẵn sàng hoặc không trả lời: trang này hiển thị phần có được.',
    'The {name} service is not available or did not answer: this page shows what it could.',
  ],
  updatedAt: ['cập nhật lúc', 'updated at'],
  live: ['Trực tiếp', 'Live'],
  flow: ['Luồng', 'Flow'],
  perMinute: ['/phút', '/min'],
  failures: ['Lỗi', 'Failures'],
  backlog: ['Tồn đọng', 'Backlog'],
  lag: ['Độ trễ', 'Lag'],
  flowIngest: ['Tiếp nhận (gateway)', 'Ingest (gateway)'],
  flowSync: ['Đồng bộ DVCQG', 'National sync'],
  flowPayments: ['Thanh toán', 'Payments'],
  flowCitizen: ['Tra cứu dân cư/doanh nghiệp', 'Citizen look-ups'],
  flowDeadlines: ['Thời hạn', 'Deadlines'],
  flowNotifications: ['Thông báo (Zalo/SMS, webhook)', 'Notifications (Zalo/SMS, webhooks)'],
  flowPostal: ['Bưu chính (VNPost)', 'Postal (VNPost)'],
  flowInbound: ['Từ Cổng DVCQG về tỉnh', 'Inbound from the national portal'],
  services: ['Dịch vụ và đối tác', 'Services and peers'],
  service: ['Dịch vụ', 'Service'],
  health: ['Sức khỏe', 'Health'],
  breaker: ['Cầu dao', 'Circuit breaker'],
  breakerOpen: ['đang ngắt', 'open'],
  breakerClosed: ['đóng (bình thường)', 'closed (normal)'],
  ready: ['sẵn sàng', 'ready'],
  notReady: ['không sẵn sàng', 'not ready'],
  down: ['không trả lời', 'not answering'],
  recentActivity: ['Hoạt động gần đây', 'Recent activity'],
  time: ['Thời gian', 'Time'],
  event: ['Sự kiện', 'Event'],
  dossier: ['Hồ sơ', 'Dossier'],
  maHoSo: ['Mã hồ sơ', 'Dossier code (MaHoSo)'],
  agency: ['Cơ quan', 'Agency'],
  procedure: ['Thủ tục', 'Procedure'],
  status: ['Trạng thái', 'Status'],
  from: ['Từ ngày', 'From'],
  to: ['Đến ngày', 'To'],
  search: ['Tìm', 'Search'],
  owner: ['Chủ hồ sơ', 'Applicant'],
  reveal: ['Hiện dữ liệu cá nhân', 'Reveal personal data'],
  revealed: ['Đã hiện (thao tác được ghi nhật ký)', 'Revealed (the action is logged)'],
  masked: ['đã che', 'masked'],
  noResults: ['Không có kết quả.', 'No results.'],
  timeline: ['Dòng thời gian', 'Timeline'],
  ledger: ['Sổ cái đồng bộ', 'Sync ledger'],
  portalHolds: ['Cổng DVCQG đang giữ', 'The portal holds'],
  attempts: ['Số lần thử', 'Attempts'],
  lastError: ['Lỗi gần nhất', 'Last error'],
  pushNow: ['Đẩy ngay', 'Push now'],
  reason: ['Lý do', 'Reason'],
  reasonHelp: [
    'Bắt buộc, ít nhất 5 ký tự; được ghi vào nhật ký thao tác.',
    'Required, at least 5 characters; recorded in the action log.',
  ],
  reasonRequired: ['Cần nhập lý do (ít nhất 5 ký tự).', 'A reason is required (at least 5 characters).'],
  forbiddenRole: ['Bạn không có vai trò cần thiết cho thao tác này.', 'You do not have the role this action needs.'],
  done: ['Đã thực hiện.', 'Done.'],
  failed: ['Không thực hiện được', 'Failed'],
  deadLetters: ['Thư lỗi', 'Dead letters'],
  dlqTopic: ['Hàng đợi lỗi', 'Dead-letter queue'],
  consumer: ['Consumer lỗi', 'Failing consumer'],
  firstAt: ['Lần đầu', 'First'],
  lastAt: ['Lần cuối', 'Last'],
  errorCode: ['Mã lỗi', 'Error code'],
  replay: ['Phát lại', 'Replay'],
  replaySelected: ['Phát lại các thư đã chọn', 'Replay the selected'],
  replayFiltered: ['Phát lại tất cả theo bộ lọc', 'Replay all matching the filter'],
  replayPreview: [
    'Sẽ phát lại {n} thư lỗi tới đúng consumer đã lỗi. Nhập lý do để xác nhận.',
    '{n} dead letters will be replayed to the consumer that failed only. Type a reason to confirm.',
  ],
  replayCommitted: [
    '{n} thư đã được ghi lại vào chủ đề gốc cho đúng nhóm consumer đã lỗi (Kafka đã xác nhận ghi) và rời danh sách. Đây chưa phải là xác nhận consumer đã xử lý xong: nếu lỗi lại, thư sẽ xuất hiện lại.',
    '{n} dead letters were written back to their original topic for the failing consumer group only (Kafka committed the write) and left the list. This is not the consumer confirming it handled them: if they fail again, they come back.',
  ],
  replayAccepted: [
    '{n} thư: national-sync đã nhận yêu cầu đẩy lại hồ sơ (HTTP 202) và thư rời danh sách. Kết quả đẩy lên Cổng xem ở trang Gửi DVCQG.',
    '{n} dead letters: national-sync accepted the request to push the dossier again (HTTP 202) and they left the list. The portal push outcome shows on the DVCQG deliveries page.',
  ],
  replayNotClaimed: [
    '{n} thư không được phát lại: đã được phát lại, đang được phát lại bởi thao tác khác, hoặc không thuộc đơn vị của bạn.',
    '{n} dead letters were not replayed: already replayed, being replayed by another action, or not of your agencies.',
  ],
  replayDossierWide: [
    'national-sync phát lại theo hồ sơ (đẩy lại bản mới nhất và mọi bước bị từ chối): {n} thư lỗi khác của cùng hồ sơ được thêm vào danh sách này vì chúng đi cùng lần phát lại.',
    'national-sync replays a whole dossier (its newest snapshot and every refused step): {n} other dead letters of the same dossiers were added to this list because they go with the replay.',
  ],
  replayAgain: ['Phát lại lần nữa cả thư đã phát lại (được ghi nhật ký)', 'Replay again letters already replayed (logged)'],
  replayAgainPreview: [
    'Trong đó {n} thư đã được phát lại trước đây và sẽ được phát lại lần nữa theo yêu cầu của bạn.',
    '{n} of them were replayed before and will be replayed again, as you asked.',
  ],
  replayUnsupported: [
    'Consumer này chưa có API phát lại: thư được giữ nguyên.',
    'This consumer has no replay API yet: the dead letter stays.',
  ],
  stateOpen: ['chờ xử lý', 'open'],
  stateReplaying: ['đang phát lại', 'replaying'],
  stateReplayed: ['đã phát lại', 'replayed'],
  showReplayed: ['Gồm cả thư đã phát lại', 'Include replayed'],
  filter: ['Lọc', 'Filter'],
  select: ['Chọn', 'Select'],
  deliveries: ['Các lần gửi tới DVCQG', 'Deliveries to DVCQG'],
  outcome: ['Kết quả', 'Outcome'],
  answer: ['Trả lời của cổng', "Portal's answer"],
  nextRetry: ['Thử lại lúc', 'Next retry'],
  packet: ['Gói tin', 'Packet'],
  payments: ['Thanh toán', 'Payments'],
  review: ['Cần xem xét', 'Needs review'],
  amount: ['Số tiền', 'Amount'],
  provider: ['Trung gian', 'Provider'],
  created: ['Tạo lúc', 'Created'],
  action: ['Thao tác', 'Action'],
  actSettle: ['Xác nhận đã thu (settle)', 'Settle'],
  actExpire: ['Cho hết hạn (expire)', 'Expire'],
  actFail: ['Đánh dấu thất bại (fail)', 'Fail'],
  actClearReview: ['Đóng xem xét', 'Clear review'],
  providerTxnId: ['Mã giao dịch tại cổng', 'Provider transaction id'],
  submit: ['Thực hiện', 'Submit'],
  audit: ['Nhật ký tra cứu dữ liệu công dân', 'Citizen-data look-up audit'],
  subjectId: ['Số định danh (được băm trước khi tìm)', 'Subject ID (hashed before searching)'],
  officer: ['Cán bộ', 'Officer'],
  chain: ['Chuỗi băm', 'Hash chain'],
  chainOk: ['toàn vẹn', 'intact'],
  chainBroken: ['bị phá vỡ', 'broken'],
  indicators: ['Chỉ số phục vụ người dân, doanh nghiệp (QĐ 766)', 'Service indicators (Decision 766)'],
  period: ['Kỳ', 'Period'],
  score: ['Điểm', 'Score'],
  change: ['Thay đổi', 'Change'],
  numerator: ['Tử số', 'Numerator'],
  denominator: ['Mẫu số', 'Denominator'],
  overdue: ['Hồ sơ quá hạn', 'Overdue dossiers'],
  dueAt: ['Hẹn trả', 'Due'],
  apology: ['Thư xin lỗi', 'Apology letter'],
  newDueDate: ['Ngày hẹn mới', 'New due date'],
  print: ['Bản in', 'Printable'],
  actions: ['Nhật ký thao tác của cán bộ', 'Operator action log'],
  who: ['Người thực hiện', 'Who'],
  target: ['Đối tượng', 'Target'],
  csrfFailed: [
    'Phiên biểu mẫu hết hạn (CSRF). Hãy tải lại trang và thử lại.',
    'The form expired (CSRF). Reload the page and try again.',
  ],
  notFound: ['Không tìm thấy trang.', 'Page not found.'],
  errorTitle: ['Có lỗi', 'Something went wrong'],
  invalidInput: ['Dữ liệu nhập không hợp lệ', 'Invalid input'],
  back: ['Quay lại', 'Back'],
  inferred: ['suy luận', 'inferred'],
  total: ['Tổng', 'Total'],
  count: ['Số lượng', 'Count'],
  gatewayAccepted: ['Gateway tiếp nhận', 'Accepted by the gateway'],
  syncOutcome: ['Kết quả đồng bộ DVCQG', 'DVCQG sync outcome'],
  paymentEvent: ['Sự kiện thanh toán', 'Payment event'],
  deadLettered: ['Vào hàng đợi lỗi', 'Dead-lettered'],
  paidAt: ['Thanh toán lúc', 'Paid at'],
  source: ['Nguồn', 'Source'],
  refund: ['Hoàn tiền', 'Refund'],
  refunded: ['Đã hoàn', 'Refunded'],
  refundFull: ['để trống = hoàn toàn bộ', 'empty = the whole amount'],
  refundMode: ['Cách hoàn', 'How'],
  refundProvider: ['Qua trung gian thanh toán', 'Through the provider'],
  refundManual: ['Đã hoàn thủ công (ghi số chứng từ)', 'Done by hand (give the reference)'],
  refundReference: ['Số chứng từ hoàn tiền (nếu hoàn thủ công)', 'Refund reference (manual refunds)'],
  nextPage: ['Trang sau', 'Next page'],
  firstPage: ['Về trang đầu', 'First page'],
  postal: ['Trả kết quả qua bưu chính (VNPost)', 'Results by post (VNPost)'],
  postalFlagged: ['Cần xử lý', 'Needs attention'],
  postalState: ['Trạng thái đơn', 'Order state'],
  postalRoute: ['Kênh', 'Route'],
  itemCode: ['Mã vận đơn', 'Item code'],
  vnpostStatus: ['Mã trạng thái VNPost', 'VNPost status'],
  flagReason: ['Lý do cần xử lý', 'Why flagged'],
  postalCancel: ['Hủy đơn bưu chính', 'Cancel the postal order'],
  postalOrder: ['Đơn bưu chính', 'Postal order'],
  postalStatus: ['Bưu chính', 'Postal'],
  pendingApproval: ['VNPost đang chờ duyệt yêu cầu hủy.', 'VNPost is approving the cancellation.'],
  inbound: ['Gói tin từ Cổng DVCQG', 'Packets from the national portal'],
  unrouted: ['Chưa có nơi nhận (chưa ai đăng ký)', 'Not routed (nobody subscribed)'],
  unroutedHelp: [
    'Gói tin được giữ, không mất. Khi hệ thống một cửa đã đăng ký webhook, chọn "Định tuyến" (có thể chỉ định cơ quan khác).',
    'Kept, never dropped. Once a one-stop system has subscribed, choose "Route" (optionally to another agency).',
  ],
  kind: ['Loại', 'Kind'],
  refKey: ['Khóa gói tin', 'Packet key'],
  receivedAt: ['Nhận lúc', 'Received'],
  route: ['Định tuyến', 'Route'],
  routeAgency: ['Cơ quan nhận (để trống = cơ quan của gói tin)', 'Receiving agency (empty = the packet’s own)'],
  routedTo: ['Đã định tuyến tới {agency}: {n} lần gửi.', 'Routed to {agency}: {n} deliveries queued.'],
  questions: ['Câu hỏi của người dân và trạng thái trả lời', 'Citizens’ questions and their answers'],
  answerState: ['Trạng thái trả lời', 'Answer state'],
  noAnswer: ['chưa trả lời', 'not answered'],
  pushAgain: ['Đẩy lại lên Cổng', 'Push again'],
  inboundPacket: ['Gói tin từ Cổng DVCQG', 'Packet from the national portal'],
  notifications: ['Thông báo tới người dân và webhook tới hệ thống một cửa', 'Citizen messages and webhooks to one-stop systems'],
  ledgerOfDossier: ['Sổ gửi tin của hồ sơ (Zalo/SMS)', 'Message ledger of a dossier (Zalo/SMS)'],
  channel: ['Kênh', 'Channel'],
  phone: ['Số điện thoại', 'Phone'],
  message: ['Tin nhắn', 'Message'],
  subscriptions: ['Đăng ký webhook', 'Webhook subscriptions'],
  subscription: ['Đăng ký', 'Subscription'],
  eventTypes: ['Loại sự kiện', 'Event types'],
  servedBy: ['Dịch vụ', 'Served by'],
  webhookDeliveries: ['Các lần gửi webhook', 'Webhook deliveries'],
  redeliver: ['Gửi lại', 'Redeliver'],
  receiverAnswer: ['Trả lời của bên nhận', 'Receiver’s answer'],
  attemptsLog: ['Các lần thử', 'Attempts'],
  duration: ['Thời lượng', 'Duration'],
  receipt: ['Biên lai điện tử', 'Electronic receipt'],
  dueSoon: ['Hồ sơ sắp đến hạn', 'Due soon'],
  workingHours: ['giờ làm việc', 'working hours'],
  indexDown: [
    'Chỉ mục sự kiện chưa chạy (Kafka chưa sẵn sàng): dòng thời gian, thư lỗi và hoạt động gần đây có thể chưa đầy đủ.',
    'The event index is not running (Kafka not available): timelines, dead letters and recent activity may be incomplete.',
  ],
} as const satisfies Record<string, readonly [string, string]>;

export type MessageKey = keyof typeof M;

export function t(lang: Lang, key: MessageKey, vars: Record<string, string | number> = {}): string {
  const s: string = M[key][lang === 'en' ? 1 : 0];
  return s.replace(/\{(\w+)\}/g, (_, k: string) => (k in vars ? String(vars[k]) : `{${k}}`));
}

const TZ = 'Asia/Ho_Chi_Minh';

const timeParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: TZ,
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** dd/mm/yyyy HH:mm:ss in Vietnam's time, whatever the server's zone; '—' for nothing. */
export function fmtTime(d: Date | string | null | undefined, _lang: Lang = 'vi'): string {
  if (!d) return '—';
  const date = typeof d === 'string' ? new Date(d) : d;
  if (Number.isNaN(date.getTime())) return '—';
  const p = Object.fromEntries(timeParts.formatToParts(date).map((x) => [x.type, x.value]));
  return `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}:${p.second}`;
}

/** A national-standard instant (yyyyMMddHHmmss, Vietnam's time) as dd/mm/yyyy HH:mm:ss; other text unchanged. */
export function fmtNationalTime(v: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(v);
  return m ? `${m[3]}/${m[2]}/${m[1]} ${m[4]}:${m[5]}:${m[6]}` : v;
}

export function fmtNumber(n: number | null | undefined, lang: Lang = 'vi', digits = 0): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '—';
  return new Intl.NumberFormat(lang === 'en' ? 'en-US' : 'vi-VN', {
    maximumFractionDigits: digits,
    minimumFractionDigits: 0,
  }).format(n);
}

/** Integer VND as "75.000 ₫". */
export const fmtVnd = (n: number | null | undefined, lang: Lang = 'vi') =>
  n === null || n === undefined ? '—' : `${fmtNumber(n, lang)} ₫`;
