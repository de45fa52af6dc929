import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import type { ErrorDetail } from '@lienthong/platform';
import { configInvalid, NotifyErrorCodes } from './errors.js';

/**
 * What citizens are told about (design.md flow 6; Đồng Nai's nine statuses and Thanh Hóa's message set,
 * notifications-receipts.md §6 — the mapping from TrangThaiHoSo is [inf]).
 */
export const NOTIFICATION_KINDS = [
  'dossier.received', // TrangThaiHoSo 2 — đã tiếp nhận
  'dossier.not-accepted', // 3 — không được tiếp nhận
  'dossier.supplement-requested', // 5 — yêu cầu bổ sung
  'dossier.fee-requested', // 6 — yêu cầu thực hiện nghĩa vụ tài chính
  'dossier.withdrawn', // 7
  'dossier.stopped', // 8 — dừng xử lý
  'dossier.result-ready', // 9 — đã xử lý xong
  'dossier.result-returned', // 10 — đã trả kết quả
  'dossier.overdue', // quá hạn: the deadline passed (operations' overdue event; it carries no new date)
  'dossier.apology-issued', // phiếu xin lỗi và hẹn lại ngày trả kết quả: the new date (operations' apology event)
  'payment.settled', // đã thanh toán phí, lệ phí
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** Placeholders a template may use; values come from the dossier (or the payment) at the time of the event. */
export const PLACEHOLDERS = [
  'MaHoSo',
  'TenTTHC',
  'ChuHoSo',
  'NgayTiepNhan',
  'NgayHenTra',
  'NgayHenTraMoi',
  'TrangThai',
  'SoTien',
  'TenCoQuan',
] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

/**
 * Placeholders only one kind's event fills: elsewhere they would always render empty in a citizen's message (the
 * overdue event carries no new date, review found a template reading one), so the templates file is refused.
 */
const ONLY_FOR: Partial<Record<Placeholder, NotificationKind>> = { NgayHenTraMoi: 'dossier.apology-issued' };

export interface ZaloTemplate {
  /** The approved ZNS template id (numeric text). */
  templateId: string;
  /** template_data: ZNS parameter → text with {placeholders}. */
  data: Record<string, string>;
}
export interface SmsTemplate {
  /** The registered brandname content with {placeholders} (SMS vendors check it against the registered template). */
  text: string;
}
export interface KindTemplates {
  zalo?: ZaloTemplate;
  sms?: SmsTemplate;
}
export interface AgencyTemplates {
  /** Display name for {TenCoQuan}. */
  name?: string;
  /** Account names in the providers file. */
  zaloOa?: string;
  smsAccount?: string;
  /** Messages per day (Asia/Ho_Chi_Minh) for this agency, all channels; further ones wait for the next day. */
  dailyQuota: number;
  events: Partial<Record<NotificationKind, KindTemplates>>;
}
export interface TemplatesFile {
  agencies: Record<string, AgencyTemplates>;
}

const ajv = new Ajv({ allErrors: true, strict: true });
const text = { type: 'string', minLength: 1, maxLength: 1000 } as const;
const validate = ajv.compile({
  type: 'object',
  required: ['agencies'],
  additionalProperties: false,
  properties: {
    agencies: {
      type: 'object',
      propertyNames: { pattern: '^(\\*\\.[A-Za-z0-9.]+|[A-Za-z0-9.]+)$' },
      additionalProperties: {
        type: 'object',
        required: ['dailyQuota', 'events'],
        additionalProperties: false,
        properties: {
          name: text,
          zaloOa: { type: 'string', minLength: 1, maxLength: 100 },
          smsAccount: { type: 'string', minLength: 1, maxLength: 100 },
          dailyQuota: { type: 'integer', minimum: 0, maximum: 10_000_000 },
          events: {
            type: 'object',
            propertyNames: { enum: [...NOTIFICATION_KINDS] },
            additionalProperties: {
              type: 'object',
              additionalProperties: false,
              minProperties: 1,
              properties: {
                zalo: {
                  type: 'object',
                  required: ['templateId', 'data'],
                  additionalProperties: false,
                  properties: {
                    templateId: { type: 'string', pattern: '^\\d{1,20}$' },
                    data: {
                      type: 'object',
                      minProperties: 1,
                      maxProperties: 30,
                      propertyNames: { pattern: '^[a-z0-9_]{1,50}$' },
                      additionalProperties: { type: 'string', minLength: 1, maxLength: 400 },
                    },
                  },
                },
                sms: {
                  type: 'object',
                  required: ['text'],
                  additionalProperties: false,
                  properties: { text: { type: 'string', minLength: 1, maxLength: 612 } },
                },
              },
            },
          },
        },
      },
    },
  },
});

const PLACEHOLDER_RE = /\{([^{}]*)\}/g;

/** Every problem of a templates file: schema, unknown placeholders, accounts missing from the providers file. */
export function checkTemplates(input: unknown, accounts: { zalo: ReadonlySet<string>; sms: ReadonlySet<string> }): ErrorDetail[] {
  if (!validate(input)) {
    return (validate.errors ?? []).map((e) => ({
      path: e.instancePath,
      code: NotifyErrorCodes.TEMPLATES_INVALID,
      message: e.message ?? 'không hợp lệ',
      message_en: e.message ?? 'invalid',
    }));
  }
  const details: ErrorDetail[] = [];
  const bad = (path: string, en: string, vi: string) =>
    details.push({ path, code: NotifyErrorCodes.TEMPLATES_INVALID, message: vi, message_en: en });
  for (const [agency, a] of Object.entries((input as TemplatesFile).agencies)) {
    const base = `/agencies/${agency}`;
    if (a.zaloOa && !accounts.zalo.has(a.zaloOa))
      bad(
        `${base}/zaloOa`,
        `Zalo OA ${a.zaloOa} is not in the providers file`,
        `OA Zalo ${a.zaloOa} không có trong tệp nhà cung cấp`,
      );
    if (a.smsAccount && !accounts.sms.has(a.smsAccount))
      bad(
        `${base}/smsAccount`,
        `SMS account ${a.smsAccount} is not in the providers file`,
        `Tài khoản SMS ${a.smsAccount} không có trong tệp nhà cung cấp`,
      );
    for (const [kind, t] of Object.entries(a.events)) {
      if (t?.zalo && !a.zaloOa)
        bad(
          `${base}/events/${kind}/zalo`,
          'a Zalo template needs zaloOa on the agency',
          'Mẫu Zalo cần khai báo zaloOa cho cơ quan',
        );
      if (t?.sms && !a.smsAccount)
        bad(
          `${base}/events/${kind}/sms`,
          'an SMS template needs smsAccount on the agency',
          'Mẫu SMS cần khai báo smsAccount cho cơ quan',
        );
      const texts: [string, string][] = [
        ...Object.entries(t?.zalo?.data ?? {}).map(([k, v]) => [`${base}/events/${kind}/zalo/data/${k}`, v] as [string, string]),
        ...(t?.sms ? [[`${base}/events/${kind}/sms/text`, t.sms.text] as [string, string]] : []),
      ];
      for (const [path, s] of texts) {
        for (const m of s.matchAll(PLACEHOLDER_RE)) {
          if (!(PLACEHOLDERS as readonly string[]).includes(m[1]!))
            bad(path, `unknown placeholder {${m[1]}}`, `Tham số không có: {${m[1]}}`);
          const only = ONLY_FOR[m[1] as Placeholder];
          if (only && only !== kind)
            bad(
              path,
              `{${m[1]}} is filled only for ${only}: it would always be empty here`,
              `Tham số {${m[1]}} chỉ có giá trị với ${only}: ở đây luôn rỗng`,
            );
        }
        if (/[{}]/.test(s.replace(PLACEHOLDER_RE, ''))) bad(path, 'unbalanced { or }', 'Dấu { } không khớp');
      }
    }
  }
  return details;
}

export function loadTemplates(path: string, accounts: { zalo: ReadonlySet<string>; sms: ReadonlySet<string> }): TemplatesFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw configInvalid(NotifyErrorCodes.TEMPLATES_INVALID, path, [
      {
        path: '',
        code: NotifyErrorCodes.TEMPLATES_INVALID,
        message: 'không đọc được tệp JSON',
        message_en: (err as Error).message,
      },
    ]);
  }
  const problems = checkTemplates(parsed, accounts);
  if (problems.length) throw configInvalid(NotifyErrorCodes.TEMPLATES_INVALID, path, problems);
  return parsed as TemplatesFile;
}

/** The agency's entry: its exact code first, then the longest matching `*.<suffix>`; none = no message. */
export function agencyTemplates(file: TemplatesFile, agency: string): AgencyTemplates | undefined {
  if (file.agencies[agency]) return file.agencies[agency];
  let best: [string, AgencyTemplates] | undefined;
  for (const [k, v] of Object.entries(file.agencies)) {
    if (k.startsWith('*.') && agency.endsWith(k.slice(1)) && (!best || k.length > best[0].length)) best = [k, v];
  }
  return best?.[1];
}

/** Fills {placeholders}; a value the event does not have renders as an empty string. */
export function render(template: string, values: Partial<Record<Placeholder, string>>): string {
  return template.replace(PLACEHOLDER_RE, (_, name: string) => values[name as Placeholder] ?? '');
}
