import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { createLogger, personalDataFields, redactPersonalData } from './logger.js';

function capture() {
  const chunks: string[] = [];
  const destination = new Writable({
    write(c, _e, cb) {
      chunks.push(c.toString());
      cb();
    },
  });
  return { logger: createLogger({ name: 't', destination }), text: () => chunks.join('') };
}

describe('logger redaction of personal data', () => {
  it('redacts the national packets’ personal fields at any of the first depths', () => {
    const { logger, text } = capture();
    const secret = {
      ChuHoSo: 'Nguyễn Văn An',
      SoGiayToChuHoSo: '001090012345',
      SoDienThoai: '0912345678',
      Email: 'an@example.vn',
      DinhDanhCHS: [{ LoaiDinhDanh: '1', SoDinhDanh: '001090012345' }],
    };
    logger.info({ dossier: secret }, 'x');
    logger.info({ req: { body: { items: secret } } }, 'y');
    logger.info(secret, 'z');
    const out = text();
    for (const v of ['Nguyễn Văn An', '001090012345', '0912345678', 'an@example.vn']) expect(out).not.toContain(v);
    expect(out).toContain('[redacted]');
  });

  it('matches keys case-insensitively and covers the names of the Q&A, population-DB, registry and inbound replies', () => {
    const { logger, text } = capture();
    const reply = {
      HOVATEN: 'Phạm Thị Hoa',
      SODIENTHOAI: '0903111222',
      DIACHI: 'Số 5 ngõ 12 phố Huế',
      THUDIENTU: 'hoa.pham@example.vn',
      DienThoai: '02438253535',
      DiaChiDoanhNghiep: { MaTinh: '22', DiaChiChiTiet: 'Tổ 3 phường Minh Khai' },
      HoTenNguoiNopTien: 'Đỗ Văn Hải',
      NguoiDaiDien: { HoVaTen: 'Vũ Thị Lan', SoDinhDanh: '002190054321' },
      DaiDienPhapLuat: [{ ThongTinCaNhan: [{ SoGiayChungThuc: '031085000111', NoiCap: 'Cục Cảnh sát QLHC về TTXH' }] }],
      SoGiayTo: '001200033333',
      SoSoHoKhau: 'HK-778899',
      ChuHo: { SoDinhDanh: '001070044444' },
      NgaySinh: '19900512',
      EMAIL: 'upper@example.vn',
      soDienThoai: '0988777666',
      chuhoso: 'Bùi Văn Tùng',
    };
    logger.info({ registry: reply }, 'reply');
    const out = text();
    const leaked = [
      'Phạm Thị Hoa',
      '0903111222',
      'phố Huế',
      'hoa.pham@example.vn',
      '02438253535',
      'Minh Khai',
      'Đỗ Văn Hải',
      'Vũ Thị Lan',
      '002190054321',
      '031085000111',
      'Cục Cảnh sát',
      '001200033333',
      'HK-778899',
      '001070044444',
      '19900512',
      'upper@example.vn',
      '0988777666',
      'Bùi Văn Tùng',
    ].filter((v) => out.includes(v));
    expect(leaked).toEqual([]);
  });

  it('redacts credentials and the Authorization header', () => {
    const { logger, text } = capture();
    logger.info({ req: { headers: { authorization: 'Bearer lt_abc' } }, config: { password: 'p4ss', hashSecret: 'HS' } }, 'x');
    expect(text()).not.toMatch(/lt_abc|p4ss|"HS"/);
  });

  it('covers every field it declares', () => {
    const { logger, text } = capture();
    logger.info({ record: Object.fromEntries(personalDataFields.map((f) => [f, `v-${f}`])) }, 'x');
    for (const f of personalDataFields) expect(text()).not.toContain(`v-${f}`);
  });

  it('redacts deeper than the first levels, inside arrays, and in child loggers’ bindings', () => {
    const { logger, text } = capture();
    logger.info({ a: { b: { c: { d: { e: [{ SoDinhDanh: '001090099999' }] } } } } }, 'deep');
    logger.child({ payer: { fullName: 'Trần Thị Bình' }, client: 'h22' }).info({ batch: [{ HoVaTen: 'Lê Văn Cường' }] }, 'child');
    logger.info({ headers: { cookie: 's=1', 'idempotency-key': 'k-123' } }, 'headers');
    const out = text();
    for (const v of ['001090099999', 'Trần Thị Bình', 'Lê Văn Cường', 's=1', 'k-123']) expect(out).not.toContain(v);
    expect(out).toContain('"client":"h22"');
  });

  it('fails closed: an error carrying a packet, a value nested too deep and a Buffer print no personal data', () => {
    const { logger, text } = capture();
    class Refusal extends Error {
      code = 'LT_STD_INVALID';
      packet = { ChuHoSo: 'Đỗ Thị Lan', SoGiayToChuHoSo: '001190054321' };
    }
    const cause = Object.assign(new Error('upstream'), { request: { data: { HoVaTen: 'Vũ Văn Nam' } } });
    logger.error({ err: new Refusal('refused', { cause }) }, 'refused');
    let deep: Record<string, unknown> = { ChuHoSo: 'Hà Văn Sâu' };
    for (let i = 0; i < 20; i++) deep = { next: deep };
    logger.info({ deep }, 'deep');
    logger.info({ raw: Buffer.from('{"ChuHoSo":"Ngô Thị Đệm"}') }, 'buffer');
    const out = text();
    for (const v of ['Đỗ Thị Lan', '001190054321', 'Vũ Văn Nam', 'Hà Văn Sâu', 'Ngô Thị Đệm']) expect(out).not.toContain(v);
    // The error is still readable: its type, message, stack, code and cause.
    expect(out).toMatch(
      /"err":\{"type":"Refusal","message":"refused: upstream","stack":".*caused by: Error: upstream.*","code":"LT_STD_INVALID"/,
    );
    expect(out).toContain('[too deep to check for personal data]');
    expect(out).toMatch(/"raw":"\[\d+ bytes\]"/);
  });

  it('leaves errors to their serializer and copies nothing when nothing is redacted', () => {
    const { logger, text } = capture();
    logger.error({ err: new Error('portal refused'), code: 'LT_X' }, 'failed');
    expect(text()).toMatch(/"err":\{"type":"Error","message":"portal refused","stack":/);
    const clean = { topic: 't', items: [{ MaHoSo: '000.00.01.H22-251120-0001' }] };
    expect(redactPersonalData(clean)).toBe(clean);
    const dirty = { keep: { x: 1 }, record: { ChuHoSo: 'A', MaHoSo: 'M' } };
    const r = redactPersonalData(dirty) as typeof dirty;
    expect(r).toEqual({ keep: { x: 1 }, record: { ChuHoSo: '[redacted]', MaHoSo: 'M' } });
    expect(r.keep).toBe(dirty.keep);
    expect(dirty.record.ChuHoSo).toBe('A');
  });
});
