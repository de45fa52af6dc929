import type { FastifyInstance } from 'fastify';
import { validatePacket } from '@lienthong/standard';
import { fail, ok, type ServiceContext, type ServiceHandler } from './outcome.js';

/**
 * The portal's citizen Q&A (reference §5 [code S1]): questions citizens asked on DVCQG for a provincial
 * agency, listed by LayDanhSachHoiDapGuiTuDVCQG until the agency answers with DongBoKetQuaHoiDapGuiTuDVCQG
 * `data[]{HOIDAPID, MADONVI, NGUOITRALOI, CHUCVUNGUOITRALOI, NGAYTRALOI (dd/MM/yyyy), NOIDUNGTRALOI}`.
 * Questions are added through `/_admin/qa/questions`; answers are kept for inspection at `/_admin/qa`.
 * Which questions the list returns (all unanswered ones of the province) is our choice [inf]. Answers are checked
 * against the national schema (schemas/dvcqg/dong-bo-ket-qua-hoi-dap.item.v1.json: lengths, a real dd/MM/yyyy date)
 * as our best model of the portal's checks [inf]; `rejectHoiDapId` (faults) refuses an answer with -1. Every answer
 * item received is logged in arrival order, so a test sees whether an answer arrived once.
 */
interface Question {
  HOIDAPID: string;
  MALINHVUC: string;
  MADONVI: string;
  TENDONVI: string;
  NOIDUNG: string;
  HOVATEN: string;
  THUDIENTU: string;
  DIACHI: string;
  SODIENTHOAI: string;
  MATTHCDP: string;
  TRANGTHAI: string;
}
interface QaState {
  questions: Map<string, Question>;
  answers: { at: string; item: Record<string, unknown> }[];
}

// One Q&A state per peer instance, keyed by its store (handlers receive the store in their context).
const states = new WeakMap<object, QaState>();
function stateOf(ctx: Pick<ServiceContext, 'store'>): QaState {
  let s = states.get(ctx.store);
  if (!s) {
    s = { questions: new Map(), answers: [] };
    states.set(ctx.store, s);
  }
  return s;
}

/** Forgets the questions and answers (POST /_admin/reset: "forget everything"). */
export function resetQa(ctx: Pick<ServiceContext, 'store'>): void {
  states.delete(ctx.store);
}

export const layDanhSachHoiDapGuiTuDVCQG: ServiceHandler = (ctx) => {
  const s = stateOf(ctx);
  const open = [...s.questions.values()].filter((q) => q.TRANGTHAI !== '2');
  return ok('Lấy danh sách hỏi đáp thành công', open, { maHoSo: [], items: open.length });
};

const DATE = /^(0[1-9]|[12]\d|3[01])\/(0[1-9]|1[0-2])\/\d{4}$/;

export const dongBoKetQuaHoiDapGuiTuDVCQG: ServiceHandler = (ctx, body) => {
  const data = body.data;
  if (!Array.isArray(data) || data.length === 0 || data.length > 100)
    return fail('Trường data phải là danh sách 1–100 câu trả lời');
  const checked = validatePacket('hoi-dap-answer', data);
  if (!checked.ok) {
    const shown = checked.errors
      .slice(0, 5)
      .map((e) => `data${e.path.replace(/^\/(\d+)/, '[$1]').replace(/\//g, '.')}: ${e.message}`);
    return fail(`Dữ liệu không hợp lệ: ${shown.join('; ')}`);
  }
  const s = stateOf(ctx);
  for (let i = 0; i < data.length; i++) {
    const d = data[i] as Record<string, unknown> | null;
    if (!d || typeof d !== 'object') return fail(`data[${i}] không phải đối tượng`);
    const id = String(d.HOIDAPID ?? '');
    if (!s.questions.has(id)) return fail(`data[${i}].HOIDAPID ${id.slice(0, 40)} không tồn tại`);
    if (typeof d.NOIDUNGTRALOI !== 'string' || d.NOIDUNGTRALOI.trim() === '') return fail(`data[${i}].NOIDUNGTRALOI trống`);
    if (typeof d.NGAYTRALOI !== 'string' || !DATE.test(d.NGAYTRALOI))
      return fail(`data[${i}].NGAYTRALOI phải có dạng dd/MM/yyyy`);
    if (typeof d.NGUOITRALOI !== 'string' || d.NGUOITRALOI.trim() === '') return fail(`data[${i}].NGUOITRALOI trống`);
    if (d.MADONVI !== s.questions.get(id)!.MADONVI) return fail(`data[${i}].MADONVI không khớp đơn vị nhận câu hỏi`);
    if (ctx.faults().rejectHoiDapId.includes(id)) return fail(`Câu trả lời cho câu hỏi ${id.slice(0, 40)} bị từ chối`);
  }
  for (const d of data as Record<string, unknown>[]) {
    s.answers.push({ at: new Date().toISOString(), item: d });
    s.questions.get(String(d.HOIDAPID))!.TRANGTHAI = '2';
  }
  return ok('Đồng bộ kết quả hỏi đáp thành công', null, { maHoSo: [], items: data.length });
};

/** Admin: add questions (as if citizens asked them on the portal) and see the answers received. */
export function registerQaAdmin(app: FastifyInstance, ctx: Pick<ServiceContext, 'store'>): void {
  let seq = 0;
  app.post('/qa/questions', async (req, reply) => {
    const b = (req.body ?? {}) as { questions?: unknown };
    const list = Array.isArray(b.questions) ? b.questions : [b];
    const s = stateOf(ctx);
    const added: Question[] = [];
    for (const raw of list.slice(0, 100)) {
      const q = (raw ?? {}) as Record<string, unknown>;
      if (typeof q.MADONVI !== 'string' || typeof q.NOIDUNG !== 'string')
        return reply.status(400).send({ error: 'each question needs MADONVI and NOIDUNG' });
      seq++;
      const question: Question = {
        HOIDAPID: typeof q.HOIDAPID === 'string' ? q.HOIDAPID : `HD${Date.now().toString(36).toUpperCase()}${seq}`,
        MALINHVUC: String(q.MALINHVUC ?? 'G09-XD01'),
        MADONVI: q.MADONVI,
        TENDONVI: String(q.TENDONVI ?? 'Sở Xây dựng'),
        NOIDUNG: q.NOIDUNG,
        HOVATEN: String(q.HOVATEN ?? 'Hoàng Thị Lan'),
        THUDIENTU: String(q.THUDIENTU ?? 'lan.hoang@example.vn'),
        DIACHI: String(q.DIACHI ?? 'Xã Đồng Văn'),
        SODIENTHOAI: String(q.SODIENTHOAI ?? '0981234567'),
        MATTHCDP: String(q.MATTHCDP ?? ''),
        TRANGTHAI: '1',
      };
      s.questions.set(question.HOIDAPID, question);
      added.push(question);
    }
    return { added: added.map((q) => q.HOIDAPID) };
  });
  app.get('/qa', async () => {
    const s = stateOf(ctx);
    return { questions: [...s.questions.values()], answers: s.answers };
  });
}
