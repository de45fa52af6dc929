import { pino, type Logger, type LoggerOptions, type DestinationStream } from 'pino';

export type { Logger } from 'pino';

/**
 * Personal data that must never reach a log (conventions §7, Decree 13/2023 on personal data):
 * names, personal IDs, phone numbers, e-mail, addresses, dates of birth — in the national packets'
 * field names (ChuHoSo, SoGiayToChuHoSo, SoDinhDanh…) and ours. Paths are matched at any depth up to
 * three levels below the logged object, which is where request bodies, packets and records end up.
 */
export const personalDataFields = [
  'ChuHoSo',
  'SoGiayToChuHoSo',
  'DinhDanhCHS',
  'SoDinhDanh',
  'SoCMND',
  'HoVaTen',
  'HoTenNguoiNop',
  'SoCMNDNguoiNop',
  'DiaChiNguoiNop',
  'NgayThangNamSinh',
  'Email',
  'SoDienThoai',
  'Fax',
  'DiaChi',
  'ThuongTru',
  'NoiOHienTai',
  'QueQuan',
  'ThuDienTu',
  'Cha',
  'Me',
  'VoChong',
  'payer',
  'personalId',
  'fullName',
  'phone',
  'email',
  'address',
  'dateOfBirth',
  'authorization',
  'password',
  'secret',
  'secretKey',
  'hashSecret',
  'accessKey',
  'session',
] as const;

function redactPaths(): string[] {
  const paths: string[] = [];
  for (const f of personalDataFields) {
    paths.push(f, `*.${f}`, `*.*.${f}`, `*.*.*.${f}`);
  }
  paths.push('req.headers.authorization', 'req.headers["idempotency-key"]', 'req.headers.cookie');
  return paths;
}

export const redactionPaths: readonly string[] = Object.freeze(redactPaths());

export interface CreateLoggerOptions {
  name: string;
  level?: string;
  /** For tests: a stream to capture the output. */
  destination?: DestinationStream;
}

/** The hub's pino logger: JSON lines, ISO time, the service name, personal data redacted. */
export function createLogger(opts: CreateLoggerOptions): Logger {
  const options: LoggerOptions = {
    name: opts.name,
    level: opts.level ?? 'info',
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: [...redactionPaths], censor: '[redacted]' },
    formatters: { level: (label) => ({ level: label }) },
  };
  return opts.destination ? pino(options, opts.destination) : pino(options);
}
