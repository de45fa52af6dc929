import {
  createPaygovQueryClient,
  createPaygovSigner,
  formatPaygovTime,
  PaygovError,
  readPaygovMaDoiTac,
  type PaygovConfirmReply,
  type PaygovSigner,
} from '@lienthong/paygov';
import type { Logger } from '@lienthong/platform';
import { invalidRequest, providerError, providerRefused } from '../errors.js';
import type { MerchantAccount, MerchantRegistry } from '../merchants.js';
import type { PaymentRecord } from '../ledger/payment-record.js';
import { createProviderHttp, postJsonForCreate, postJsonForQuery } from './provider-http.js';
import type { CreateAtProvider, CreatedAtProvider, NotificationCheck, ProviderAdapter, QueryAnswer } from './provider-adapter.js';

export interface PaygovAdapterOptions {
  merchants: MerchantRegistry;
  initUrl: string;
  queryUrl: string;
  serverIp: string;
  createTimeoutMs: number;
  queryTimeoutMs: number;
  logger: Logger;
}

export interface PaygovAdapter extends ProviderAdapter {
  /** Verifies a confirm callback, routed by MaDoiTac; a refusal carries the "99" reply to send. */
  verifyConfirm(body: unknown): NotificationCheck & { reply?: PaygovConfirmReply };
}

/** The DVCQG payment platform (national-standard.md §8) over @lienthong/paygov. */
export function createPaygovAdapter(opts: PaygovAdapterOptions): PaygovAdapter {
  const signers = new Map<string, PaygovSigner>();
  for (const m of opts.merchants.merchants) {
    if (m.paygov) signers.set(m.paygov.maDoiTac, createPaygovSigner({ maDoiTac: m.paygov.maDoiTac, secret: m.paygov.secretKey }));
  }
  const http = createProviderHttp('paygov', {
    createTimeoutMs: opts.createTimeoutMs,
    queryTimeoutMs: opts.queryTimeoutMs,
    logger: opts.logger,
  });
  const signerOf = (account: MerchantAccount): PaygovSigner => {
    const s = account.paygov && signers.get(account.paygov.maDoiTac);
    if (!s) throw new Error(`no PayGov signer for merchant ${account.id}`);
    return s;
  };

  return {
    provider: 'paygov',
    async create(req: CreateAtProvider): Promise<CreatedAtProvider> {
      const signer = signerOf(req.account);
      const p = req.payment;
      const creds = req.account.paygov!;
      const info = `THANH TOAN HO SO ${p.maHoSo}`;
      let msg;
      try {
        msg = signer.buildInit({
          maThamChieu: p.orderRef,
          amountVnd: p.amount,
          thongTinGiaoDich: info,
          createdAt: p.createdAt,
          ip: req.ipAddr,
          receipt: {
            MaDichVu: '2',
            MaDonVi: p.agencyCode,
            TenDonVi: creds.tenDonVi ?? req.account.name,
            MaHoSo: p.maHoSo,
            TKThuHuong: creds.tkThuHuong ?? '',
            MaNHThuHuong: creds.maNHThuHuong ?? '',
            TenTKThuHuong: creds.tenTKThuHuong ?? '',
            NoiDungThanhToan: info,
            // Personal data goes to the platform for the receipt (its purpose) and nowhere else: not stored, not logged.
            HoTenNguoiNop: req.payer.fullName ?? '',
            SoCMNDNguoiNop: req.payer.personalId ?? '',
            DiaChiNguoiNop: req.payer.address ?? '',
            HuyenNguoiNop: req.payer.district ?? '',
            TinhNguoiNop: req.payer.province ?? '',
            PhiLePhi: p.fees.map((f) => ({
              LoaiPhiLePhi: f.LoaiPhiLePhi ?? '1',
              MaPhiLePhi: f.MaPhiLePhi ?? '',
              TenPhiLePhi: f.TenPhiLePhi,
              amountVnd: f.SoTien,
            })),
          },
        });
      } catch (err) {
        if (err instanceof PaygovError) {
          throw invalidRequest(
            err.details.map((d) => ({ path: `/${d.field}`, code: err.code, message: d.reason, message_en: d.reason })),
            err.message,
            'Dữ liệu không hợp lệ cho PayGov',
          );
        }
        throw err;
      }
      const answer = await postJsonForCreate(http.create, 'PayGov', opts.initUrl, msg);
      const out = signer.readInitReply(answer);
      if (out.ok) return { payUrl: out.urlThanhToan, providerData: { thoiGianGD: msg.ThoiGianGD }, providerCode: '0' };
      if (out.code === 'LT_PAYGOV_REJECTED') throw providerRefused('PayGov', out.errorCode ?? '?');
      throw providerError('PayGov', new Error(`${out.code}: ${out.message}`));
    },

    async query(payment: PaymentRecord, account: MerchantAccount): Promise<QueryAnswer> {
      const signer = signerOf(account);
      const client = createPaygovQueryClient({
        signer,
        queryUrl: opts.queryUrl,
        post: (url, body) => postJsonForQuery(http.query, url, body),
      });
      const out = await client.query({
        maThamChieu: payment.orderRef,
        thoiGianGD: payment.providerData.thoiGianGD ?? formatPaygovTime(payment.createdAt),
      });
      switch (out.kind) {
        case 'paid':
          if (!out.maGiaoDich) return { verified: false, reason: 'paid answer without MaGiaoDich' };
          return {
            verified: true,
            verdict: { kind: 'paid', amount: out.amountVnd, providerTxnId: out.maGiaoDich, providerCode: out.answer.trangThaiGD },
          };
        case 'pending':
          return { verified: true, verdict: { kind: 'pending', providerCode: out.answer.trangThaiGD } };
        case 'failed':
          return { verified: true, verdict: { kind: 'failed', providerCode: out.answer.trangThaiGD } };
        case 'needs_review':
          return { verified: true, verdict: { kind: 'review', providerCode: out.answer.trangThaiGD, reason: out.reason } };
        case 'no_answer':
          return { verified: false, reason: out.message, code: out.code };
      }
    },

    verifyConfirm(body: unknown) {
      const maDoiTac = readPaygovMaDoiTac(body);
      if (maDoiTac === undefined) return { ok: false, reason: 'malformed', message: 'MaDoiTac missing or malformed' };
      const signer = signers.get(maDoiTac);
      if (!signer) return { ok: false, reason: 'unknown_merchant', message: 'unknown MaDoiTac' };
      const r = signer.verifyConfirm(body);
      if (!r.ok)
        return {
          ok: false,
          reason: r.code === 'LT_PAYGOV_MALFORMED' ? 'malformed' : 'bad_signature',
          message: r.message,
          reply: r.reply,
        };
      const c = r.confirm;
      if (c.paid && !c.maGiaoDich) return { ok: false, reason: 'malformed', message: 'paid confirm without MaGiaoDich' };
      return {
        ok: true,
        merchant: c.maDoiTac,
        orderRef: c.maThamChieu,
        verdict: c.paid
          ? {
              kind: 'paid',
              amount: c.amountVnd,
              providerTxnId: c.maGiaoDich,
              providerCode: c.maLoi,
              ...(c.paidAt ? { paidAt: c.paidAt } : {}),
            }
          : { kind: 'failed', providerCode: c.maLoi, amount: c.amountVnd },
      };
    },
  };
}
