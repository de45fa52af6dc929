import type { FastifyInstance, FastifyReply } from 'fastify';
import { randomUUID } from 'node:crypto';
import { PAYGOV_HASH_FIELDS, PAYGOV_REFERENCE_PATTERN, parsePaygovTime, type PaygovSigner } from '@lienthong/paygov';
import { bounded, playApiFault } from '../payment-peer-kit/index.js';
import { PAYGOV_SANDBOX_INIT_ERRORS as E, PAYGOV_SANDBOX_QUERY_ERRORS as Q } from './api-codes.js';
import { confirmFields, expireIfDue } from './finish.js';
import type { PaygovPeerContext } from './context.js';
import type { PaygovPayment } from './store.js';

/**
 * Paths of the simulated platform. **Invented**: the real URLs come from the operator at onboarding (TD
 * configures InitUrl, CheckConfirmUrl and InitReceiptUrl separately [T6]), so the hub must take them from config.
 */
export const PAYGOV_SANDBOX_PATHS = Object.freeze({ init: '/init', query: '/query', getBill: '/get-bill' });

const asRecord = (raw: unknown): Record<string, unknown> | undefined =>
  raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : undefined;

/** Every listed field is a bounded string (SoTien included: INIT sends it as a string [T6]). */
function strings(body: Record<string, unknown>, fields: readonly string[]): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const f of fields) {
    const v = body[f];
    if (typeof v !== 'string' || v.length > 1024) return undefined;
    out[f] = v;
  }
  return out;
}

/** INIT [T6][S5]: checks partner, fields, MaXacThuc, amount, receipt; answers `{error_code:"0", message:"{…UrlThanhToan…}"}`. */
export function handleInit(ctx: PaygovPeerContext, raw: unknown): Record<string, string> {
  const body = asRecord(raw);
  if (!body || body.LoaiBanTin !== 'INIT') return E.badMessage;
  const partner = ctx.merchants.get(typeof body.MaDoiTac === 'string' ? body.MaDoiTac : '');
  if (!partner) return E.unknownPartner;
  const v = strings(body, [...PAYGOV_HASH_FIELDS.init, 'MaXacThuc']);
  if (!v) return E.badMessage;
  if (!partner.signer.verify('init', v, v.MaXacThuc)) return E.badHash;
  const receipt = asRecord(body.ThongTinBienLai);
  const amountOk = /^\d{1,15}$/.test(v.SoTien!) && Number(v.SoTien) > 0;
  const receiptOk =
    !!receipt &&
    (receipt.MaDichVu !== '2' ||
      ['MaDonVi', 'TenDonVi', 'MaHoSo'].every((k) => typeof receipt[k] === 'string' && receipt[k] !== ''));
  if (!amountOk || !receiptOk || !PAYGOV_REFERENCE_PATTERN.test(v.MaThamChieu!) || !parsePaygovTime(v.ThoiGianGD))
    return E.badMessage;
  const key = `${partner.merchant.maDoiTac}:${v.MaThamChieu}`;
  if (ctx.store.byKey.has(key)) return E.duplicateReference;
  const now = ctx.clock.now();
  const p: PaygovPayment = {
    token: randomUUID(),
    key,
    maDoiTac: partner.merchant.maDoiTac,
    maThamChieu: v.MaThamChieu!,
    amountVnd: Number(v.SoTien),
    thongTinGiaoDich: v.ThongTinGiaoDich!,
    initTime: v.ThoiGianGD!,
    received: Object.freeze({ ...body }),
    status: 'pending',
    trangThaiGD: '3',
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + ctx.settings.payUrlTtlMs).toISOString(),
  };
  ctx.store.byKey.set(key, p);
  ctx.store.byToken.set(p.token, p);
  const url = `${ctx.settings.publicUrl}${ctx.prefix}/pay/${p.token}`;
  return { error_code: '0', message: JSON.stringify({ UrlThanhToan: url, MaThamChieu: p.maThamChieu, ThoiGianGD: p.initTime }) };
}

/** QUERY / GET_BILL: MaXacThuc over the first five fields [T6][S5]; then the payment. */
type LookUp =
  | { error: Record<string, string> }
  | { notFound: Record<string, string> }
  | { p: PaygovPayment; partner: { signer: PaygovSigner } };

function lookUp(ctx: PaygovPeerContext, raw: unknown, type: 'QUERY' | 'GET_BILL'): LookUp {
  const body = asRecord(raw);
  if (!body || body.LoaiBanTin !== type) return { error: Q.badMessage };
  const partner = ctx.merchants.get(typeof body.MaDoiTac === 'string' ? body.MaDoiTac : '');
  if (!partner) return { error: Q.other };
  const v = strings(body, [...PAYGOV_HASH_FIELDS.query, 'MaXacThuc']);
  if (!v) return { error: Q.badMessage };
  if (!partner.signer.verify('query', v, v.MaXacThuc)) return { error: Q.badHash };
  const p = ctx.store.byKey.get(`${partner.merchant.maDoiTac}:${v.MaThamChieu}`);
  if (!p) {
    const f = {
      LoaiBanTin: type,
      ...Q.notFound,
      MaDoiTac: partner.merchant.maDoiTac,
      MaThamChieu: v.MaThamChieu!,
      ThoiGianGD: v.ThoiGianGD!,
    };
    return { notFound: { ...f, MaXacThuc: partner.signer.sign('queryResponse', f) } };
  }
  return { p, partner };
}

export function handleQuery(ctx: PaygovPeerContext, raw: unknown): Record<string, unknown> {
  const r = lookUp(ctx, raw, 'QUERY');
  if ('error' in r) return r.error;
  if ('notFound' in r) return r.notFound;
  expireIfDue(r.p, ctx.clock.now());
  // The confirm shape plus TrangThaiGD and MoTaLoi (§8); hashed with the confirm chain [inf].
  return {
    ...confirmFields(r.partner.signer, r.p, 'QUERY'),
    MoTaLoi: r.p.status === 'paid' ? 'Thành công' : '',
    TrangThaiGD: r.p.trangThaiGD,
  };
}

/** A tiny valid PDF standing in for the receipt (GET_BILL returns the receipt's PDF bytes [T6]). */
function receiptPdf(p: PaygovPayment): Buffer {
  const text = `Bien lai ${p.maThamChieu} ${p.amountVnd} VND ${p.maGiaoDich ?? ''}`.replace(/[()\\]/g, '');
  const objs = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 100] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${text.length + 31} >>\nstream\nBT /F1 10 Tf 10 50 Td (${text}) Tj ET\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objs.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

export function registerApiRoutes(app: FastifyInstance, ctx: PaygovPeerContext): void {
  const guarded = (path: string, handle: (raw: unknown, reply: FastifyReply) => unknown, errorBody: unknown) =>
    app.post(path, async (req, reply) => {
      const fault = ctx.faults.drawApiFault();
      const errorAnswer = (r: FastifyReply) => r.status(500).send(errorBody);
      if (await playApiFault(reply, fault, { hangMs: ctx.settings.timeoutHangMs, errorAnswer, closed: ctx.isClosed })) {
        ctx.requests.add({
          at: ctx.clock.now().toISOString(),
          route: `POST ${path}`,
          received: bounded(req.body),
          status: reply.statusCode,
          answered: fault,
          ...(fault ? { fault } : {}),
        });
        return reply;
      }
      const answer = await handle(req.body, reply);
      ctx.requests.add({
        at: ctx.clock.now().toISOString(),
        route: `POST ${path}`,
        received: bounded(req.body),
        status: reply.statusCode,
        answered: Buffer.isBuffer(answer) ? `[pdf ${answer.length} bytes]` : answer,
      });
      return answer;
    });
  guarded(PAYGOV_SANDBOX_PATHS.init, (raw) => handleInit(ctx, raw), E.other);
  guarded(PAYGOV_SANDBOX_PATHS.query, (raw) => handleQuery(ctx, raw), Q.other);
  guarded(
    PAYGOV_SANDBOX_PATHS.getBill,
    (raw, reply) => {
      const r = lookUp(ctx, raw, 'GET_BILL');
      if ('error' in r) return r.error;
      if ('notFound' in r) return r.notFound;
      if (r.p.status !== 'paid') return { ...Q.notFound, MoTaLoi: 'Giao dịch chưa thanh toán, không có biên lai' };
      reply.type('application/pdf');
      return receiptPdf(r.p);
    },
    Q.other,
  );
}
