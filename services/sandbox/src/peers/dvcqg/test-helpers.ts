import Fastify, { type FastifyInstance } from 'fastify';
import { createLogger } from '@lienthong/platform';
import dvcqgPeer from './index.js';

/** Tests only: a bare fastify app with just this peer under /dvcqg (how the sandbox app registers it). */
export async function buildPeerApp(config: Record<string, unknown> = {}, now?: () => number): Promise<FastifyInstance> {
  const app = Fastify();
  const logger = createLogger({ name: 'dvcqg-sandbox-test', level: 'silent' });
  await app.register(dvcqgPeer, { prefix: '/dvcqg', logger, config, publicUrl: 'http://127.0.0.1', ...(now ? { now } : {}) });
  await app.ready();
  return app;
}

/** A dossier that passes the national schema, with MaHoSo `ma`. */
export function sampleDossier(ma: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    MaHoSo: ma,
    MaTTHC: '1.001193',
    TenTTHC: 'Đăng ký khai sinh',
    MaLinhVuc: 'G09-HT01',
    TenLinhVuc: 'Hộ tịch',
    LoaiDoiTuong: '1',
    ChuHoSo: 'Nguyễn Văn An',
    TrichYeuHoSo: 'Đăng ký khai sinh cho con',
    NgayTiepNhan: '20250702083000',
    NgayHenTra: '20250703170000',
    TrangThaiHoSo: '2',
    DonViXuLy: 'Ủy ban nhân dân phường Bến Đò',
    ...overrides,
  };
}

/** A progress step that passes the national schema. */
export function sampleStep(ma: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    MaHoSo: ma,
    NguoiXuLy: 'Chuyên viên',
    ThoiDiemXuLy: '20250702090000',
    NoiDungXuLy: 'Tiếp nhận hồ sơ',
    TrangThai: '2',
    ...overrides,
  };
}
