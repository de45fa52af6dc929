import type { FastifyInstance } from 'fastify';
import { randomBytes } from 'node:crypto';

/**
 * The portal as a caller (issue 13): an admin call makes the simulated DVCQG send each inbound kind of
 * reference §6 to the hub — `createdossierfromdvcqg`, `nhanhsdvcqg`, `nhantbthuedvcqg` — with the token the
 * hub expects, and records the hub's answers. Faults: the same packet twice (a duplicate refId), a malformed
 * packet, an oversized attachment, and a client timeout shorter than the hub's answer followed by one retry
 * (the portal retrying after a slow answer).
 */
export interface OriginatorConfig {
  /** The hub's inbound base URL, e.g. http://127.0.0.1:8088 (the calls go to `${url}/nps/<operation>`). */
  url: string | undefined;
  token: string | undefined;
}

const operations = { create: 'createdossierfromdvcqg', amend: 'nhanhsdvcqg', 'tax-notice': 'nhantbthuedvcqg' } as const;
type Kind = keyof typeof operations;

interface Sent {
  at: string;
  kind: Kind;
  maHoSo: string;
  attempt: number;
  status: number | null;
  answer: unknown;
  error?: string;
}

/** A small PDF-looking file of `bytes` bytes, Base64 (the hub stores it, never opens it). */
function fakePdf(bytes: number): string {
  const head = Buffer.from('%PDF-1.4\n% sandbox\n');
  return Buffer.concat([head, randomBytes(Math.max(0, bytes - head.length))]).toString('base64');
}

function packetOf(kind: Kind, maHoSo: string, attachmentBytes: number, seq: number): Record<string, unknown> {
  const enterprise = {
    MaSoThue: '0101234567',
    MaHoSo: maHoSo,
    MaTTHC: '1.000123',
    TenThuongNhan: 'Công ty TNHH Thương mại Sao Mai',
    DiaChiDoanhNghiep: { MaTinh: '22', MaXa: '00694', DiaChiChiTiet: 'Số 12 đường Nguyễn Trãi, phường Hà Giang 1' },
    DienThoai: '0912345678',
    Email: 'lienhe@saomai.example.vn',
    NguoiLienHe: 'Trần Thị Hoa',
  };
  if (kind === 'create') {
    return {
      ...enterprise,
      TenChuongTrinhKhuyenMai: 'Khuyến mại mùa xuân 2027',
      TenTepDonDangKy: 'don-dang-ky-khuyen-mai.pdf',
      TepDonDangKy: fakePdf(attachmentBytes),
      TaiLieuNop: [{ TenTepDinhKem: 'the-le-chuong-trinh.pdf', Base64: fakePdf(Math.min(attachmentBytes, 2048)) }],
    };
  }
  if (kind === 'amend') {
    return {
      ...enterprise,
      MaHoSoQG: `QG-${maHoSo}`,
      ThongTinSuaDoi: `Sửa đổi lần ${seq}: kéo dài thời gian khuyến mại`,
      TenChuongTrinhKM: 'Khuyến mại mùa xuân 2027',
      TenTepDangKy: 'don-sua-doi.pdf',
      URLTepDangKy: 'https://dichvucong.gov.vn/tep/don-sua-doi.pdf',
      TaiLieuNop: [{ TenTepDinhKem: 'van-ban-sua-doi.pdf', Base64: fakePdf(attachmentBytes) }],
    };
  }
  return {
    MaHoSo: maHoSo,
    HoTenNguoiNopTien: 'Nguyễn Văn Bình',
    MaSoThue: '8012345678',
    ThongTinThanhToan: {
      MaThongBaoThue: `TB-${maHoSo}`,
      ThoiGianThanhToan: '20270115',
      SoTien: '1500000',
      NoiDungThanhToan: 'Lệ phí trước bạ nhà đất',
    },
    TrangThaiThanhToan: 0,
    UrlFileChungTu: '',
    FileThongBaoThue: `<ThongBaoThue><MA_HSO>${maHoSo}</MA_HSO><SO_TIEN>1500000</SO_TIEN></ThongBaoThue>`,
  };
}

export function registerOriginator(
  app: FastifyInstance,
  cfg: OriginatorConfig,
  now: () => number,
  onSending?: (kind: Kind, maHoSo: string) => void,
): void {
  let sent: Sent[] = [];
  let seq = 0;
  let target = { url: cfg.url, token: cfg.token };

  app.post('/originate', async (req, reply) => {
    const b = (req.body ?? {}) as {
      kind?: unknown;
      maHoSo?: unknown;
      count?: unknown;
      duplicate?: unknown;
      malformed?: unknown;
      attachmentBytes?: unknown;
      timeoutMs?: unknown;
      token?: unknown;
    };
    if (typeof b.kind !== 'string' || !(b.kind in operations))
      return reply.status(400).send({ error: `kind must be one of ${Object.keys(operations).join(', ')}` });
    if (!target.url)
      return reply
        .status(409)
        .send({ error: 'no hub inbound URL configured (SANDBOX_DVCQG_INBOUND_URL or POST /_admin/inbound-target)' });
    const kind = b.kind as Kind;
    const count = Math.min(100, Math.max(1, Number(b.count ?? 1) || 1));
    const attachmentBytes = Math.min(64 * 1024 * 1024, Math.max(16, Number(b.attachmentBytes ?? 1024) || 1024));
    const timeoutMs = Math.min(60_000, Math.max(1, Number(b.timeoutMs ?? 10_000) || 10_000));
    const token = typeof b.token === 'string' ? b.token : target.token;
    const results: Sent[] = [];
    for (let i = 0; i < count; i++) {
      seq++;
      const maHoSo =
        typeof b.maHoSo === 'string' && count === 1
          ? b.maHoSo
          : `KM.${new Date(now()).toISOString().slice(2, 10).replace(/-/g, '')}.${String(seq).padStart(5, '0')}`;
      const packet =
        b.malformed === true
          ? { MaHoSo: maHoSo, MaTTHC: 'not-a-code', TepDonDangKy: '***not base64***' }
          : packetOf(kind, maHoSo, attachmentBytes, seq);
      const body = JSON.stringify(packet);
      if (b.malformed !== true) onSending?.(kind, maHoSo);
      // A duplicate is the very same call again; a timeout is retried once with the same body (the portal's retry).
      const sends = b.duplicate === true ? 2 : 1;
      for (let s = 1; s <= sends; s++) {
        for (let attempt = 1; attempt <= 2; attempt++) {
          const rec: Sent = { at: new Date(now()).toISOString(), kind, maHoSo, attempt, status: null, answer: null };
          try {
            const res = await fetch(`${target.url}/nps/${operations[kind]}`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
              body,
              // The first try uses the caller's timeout (a slow answer); the retry waits as long as a real portal would.
              signal: AbortSignal.timeout(attempt === 1 ? timeoutMs : 15_000),
            });
            rec.status = res.status;
            const text = await res.text();
            try {
              rec.answer = JSON.parse(text);
            } catch {
              rec.answer = text.slice(0, 500);
            }
          } catch (err) {
            rec.error = (err as Error).name === 'TimeoutError' ? 'timeout' : (err as Error).message;
          }
          results.push(rec);
          if (rec.error !== 'timeout') break;
          if (attempt === 2) break;
          // The real portal's retry comes later; here a short pause keeps tests quick.
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    }
    sent = [...sent, ...results].slice(-5_000);
    return { sent: results };
  });
  app.get('/originated', async () => ({ sent }));
  app.post('/inbound-target', async (req) => {
    const b = (req.body ?? {}) as { url?: unknown; token?: unknown };
    target = {
      url: typeof b.url === 'string' && /^https?:\/\//.test(b.url) ? b.url.replace(/\/$/, '') : target.url,
      token: typeof b.token === 'string' ? b.token : target.token,
    };
    return { url: target.url, token: target.token ? '[set]' : null };
  });
  app.post('/originated/reset', async () => {
    sent = [];
    return { ok: true };
  });
}
