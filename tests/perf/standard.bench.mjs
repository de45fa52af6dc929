// Issue 3 bench: throughput of the national-standard validators (normalize + ajv + cross-field checks), for a
// typical dossier alone and inside a 500-item batch, a progress step, and the start-up cost: importing the package
// (precompiled standalone validators) against compiling every schema with ajv at start (fresh processes).
// Plain ESM on the built package: `npm run bench -- standard` builds first.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.resolve(here, '..', '..', 'packages', 'standard', 'dist', 'index.js');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);

/** A typical dossier snapshot: the newer fields, one submitted file, one fee, one result. */
function dossier(n) {
  return {
    MaHoSo: `000.00.01.H22-251120-${String(n).padStart(6, '0')}`,
    MaTTHC: '1.009972.000.00.00.H22',
    TenTTHC: 'Cấp giấy phép xây dựng nhà ở riêng lẻ',
    MaLinhVuc: 'G12-XD05',
    TenLinhVuc: 'Hoạt động xây dựng',
    ChuHoSo: 'Nguyễn Văn An',
    LoaiDoiTuong: '1',
    Email: 'an.nguyen@example.vn',
    SoDienThoai: '0912345678',
    TrichYeuHoSo: 'Đề nghị cấp giấy phép xây dựng nhà ở riêng lẻ',
    NgayTiepNhan: '20251120083000',
    NgayHenTra: '20251204170000',
    NgayKetThucXuLy: '20251201100000',
    NgayTra: '20251202090000',
    TrangThaiHoSo: '10',
    HinhThuc: '0',
    DonViXuLy: 'Sở Xây dựng tỉnh Hà Giang',
    KenhThucHien: '2',
    SoGiayToChuHoSo: '022090001234',
    NoiNopHoSo: '2',
    HoSoCoThanhPhanSoHoa: '1',
    TaiKhoanDuocXacThucVoiVNeID: '1',
    DuocThanhToanTrucTuyen: '1',
    NgayNopHoSo: '20251120080000',
    DinhDanhCHS: [{ LoaiDinhDanh: '1', SoDinhDanh: '022090001234' }],
    DSKetNoiCSDL: [{ MaCSDL: '7' }],
    TaiLieuNop: [
      {
        TepDinhKemId: `f-${n}`,
        TenTepDinhKem: 'don-de-nghi.pdf',
        IsDeleted: 'False',
        MaThanhPhanHoSo: 'TP01',
        DuongDanTaiTepTin: `https://dichvucong.hagiang.gov.vn/files/f-${n}.pdf`,
        DuocSoHoa: '1',
      },
    ],
    DanhSachLePhi: [
      { TenPhiLePhi: 'Lệ phí cấp giấy phép xây dựng', MaPhiLePhi: '1', HinhThucThu: '1', Gia: '75000', LoaiPhiLePhi: '1' },
    ],
    DanhSachGiayToKetQua: [
      {
        TenGiayTo: 'Giấy phép xây dựng',
        DuongDanTepTinKetQua: `https://dichvucong.hagiang.gov.vn/ketqua/${n}.pdf`,
        MaGiayToKetQua: 'KQ.1.009972',
      },
    ],
  };
}

function step(n) {
  return {
    MaHoSo: `000.00.01.H22-251120-${String(n).padStart(6, '0')}`,
    NguoiXuLy: 'Chuyên viên',
    ThoiDiemXuLy: '20251121090000',
    NoiDungXuLy: 'Thẩm định hồ sơ - Đạt',
    TrangThai: '4',
    NgayBatDau: '20251121080000',
    NgayKetThucTheoQuyDinh: '20251121170000',
  };
}

/** Calls fn until `seconds` have passed (after a short warm-up); returns calls per second. */
function rate(fn, seconds) {
  const warmUntil = performance.now() + 300;
  while (performance.now() < warmUntil) fn();
  let calls = 0;
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  while (performance.now() < end) {
    fn();
    calls++;
  }
  return calls / ((performance.now() - t0) / 1000);
}

const fmt = (n) => Math.round(n).toLocaleString('en-US');

/** Runs the bench, printing with `log`. */
export async function run(log) {
  if (!existsSync(dist)) throw new Error('packages/standard/dist is missing: run `npm run build` (npm run bench does) first');

  // Start-up: validators are ajv standalone code generated at build time, so a process only evaluates them.
  // For comparison, what compiling the same schemas with ajv at start would cost. Fresh processes, median of 5.
  const distDir = path.dirname(dist);
  const url = (f) => JSON.stringify(pathToFileURL(path.join(distDir, f)).href);
  const loadProbe = `const t0 = performance.now(); await import(${url('index.js')}); process.stdout.write(String(performance.now() - t0));`;
  const compileProbe = `
    import { Ajv2020 } from 'ajv/dist/2020.js';
    const { schemaDocuments } = await import(${url('generated/schemas.js')});
    const { ltFormatDefinitions } = await import(${url('formats/index.js')});
    const t0 = performance.now();
    const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
    ajv.addKeyword({ keyword: 'x-lt-labels', schemaType: 'object' });
    for (const [n, f] of Object.entries(ltFormatDefinitions)) ajv.addFormat(n, f);
    for (const d of schemaDocuments) ajv.addSchema(d);
    for (const d of schemaDocuments) if (d.type) ajv.getSchema(d.$id);
    process.stdout.write(String(performance.now() - t0));`;
  const sample = (code) =>
    Number(execFileSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8', cwd: path.dirname(dist) }));
  const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const load = median(Array.from({ length: 5 }, () => sample(loadProbe)));
  const compile = median(Array.from({ length: 5 }, () => sample(compileProbe)));
  const m = await import(pathToFileURL(dist).href);
  log(
    `  start-up: importing the package (${Object.keys(m.schemaIds).length} precompiled validators) ${load.toFixed(0)} ms; compiling the same schemas with ajv at start would take ${compile.toFixed(0)} ms (median of 5 fresh processes each)`,
  );

  const one = dossier(1);
  const r1 = m.validateDossierBatch(one);
  if (!r1.ok) throw new Error(`bench dossier is invalid: ${JSON.stringify(r1.errors)}`);
  const single = rate(() => m.validateDossierBatch(one), SECONDS);
  log(`  typical dossier, one per call: ${fmt(single)} packets/s (${(1e6 / single).toFixed(1)} µs each)`);

  const batch = Array.from({ length: 500 }, (_, i) => dossier(i + 1));
  if (!m.validateDossierBatch(batch).ok) throw new Error('bench batch is invalid');
  const batches = rate(() => m.validateDossierBatch(batch), SECONDS);
  log(`  500-dossier batch: ${fmt(batches * 500)} packets/s (${(1000 / batches).toFixed(1)} ms per batch)`);

  const bad = batch.map((d, i) => (i % 10 === 0 ? { ...d, NgayHenTra: '20250230120000', TrangThaiHoSo: '11' } : d));
  const badRate = rate(() => m.validateDossierBatch(bad), SECONDS);
  log(`  500-dossier batch with 50 bad items (100 issues reported): ${fmt(badRate * 500)} packets/s`);

  const steps = Array.from({ length: 10 }, (_, i) => step(i + 1));
  const stepRate = rate(() => m.validateProgressBatch(steps), SECONDS);
  log(`  progress, 10 steps per call: ${fmt(stepRate * 10)} steps/s`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run((s) => process.stdout.write(`${s}\n`));
