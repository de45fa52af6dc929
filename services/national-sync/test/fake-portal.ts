import { DvcqgError, DvcqgErrorCodes } from '@lienthong/dvcqg';
import type { PortalClient } from '../src/push/portal.js';

export interface FakeCall {
  service: 'DongBoHoSoMC' | 'CapNhatTienDoHoSoMC' | 'TraCuuHoSo';
  maHoSo: string[];
  isUpdating?: boolean;
  ok: boolean;
}

/**
 * An in-memory portal for unit tests of the push logic: all-or-nothing calls like the sandbox, create vs
 * update semantics, at most 10 steps, programmable failures. The sandbox over HTTP is for tests/e2e.
 */
export function createFakePortal() {
  const held = new Map<string, Record<string, unknown>>();
  const steps: Record<string, unknown>[] = [];
  const replies: Record<string, unknown>[] = [];
  const calls: FakeCall[] = [];
  const reject = new Set<string>();
  const failures: Error[] = [];
  const codes = (items: object[]) => items.map((i) => String((i as { MaHoSo: unknown }).MaHoSo));

  const portal: PortalClient = {
    async dongBoHoSo(items, { isUpdating }) {
      const m = codes(items);
      const fail = failures.shift();
      const r = m.find((x) => reject.has(x));
      const exists = !isUpdating ? m.find((x) => held.has(x)) : undefined;
      calls.push({ service: 'DongBoHoSoMC', maHoSo: m, isUpdating, ok: !fail && !r && !exists });
      if (fail) throw fail;
      if (r)
        throw new DvcqgError(DvcqgErrorCodes.REJECTED, `rejected ${r}`, {
          retriable: false,
          portalCode: '-1',
          portalMessage: `Hồ sơ ${r} bị từ chối`,
          maHoSo: r,
        });
      if (exists)
        throw new DvcqgError(DvcqgErrorCodes.ALREADY_EXISTS, 'exists', {
          retriable: false,
          portalCode: '-3',
          portalMessage: `Hồ sơ ${exists} đã tồn tại`,
        });
      for (const i of items) held.set(String((i as { MaHoSo: unknown }).MaHoSo), structuredClone(i) as Record<string, unknown>);
      return { errorCode: '0', message: 'ok', result: null };
    },
    async capNhatTienDo(items) {
      const m = codes(items);
      const fail = failures.shift();
      const r = m.find((x) => reject.has(x) || !held.has(x));
      calls.push({ service: 'CapNhatTienDoHoSoMC', maHoSo: m, ok: !fail && !r && items.length <= 10 });
      if (items.length > 10) throw new DvcqgError(DvcqgErrorCodes.TOO_MANY_ITEMS, 'too many', { retriable: false });
      if (fail) throw fail;
      if (r)
        throw new DvcqgError(DvcqgErrorCodes.REJECTED, `rejected ${r}`, {
          retriable: false,
          portalCode: '-1',
          portalMessage: `Hồ sơ ${r} chưa được đồng bộ`,
        });
      steps.push(...(items as Record<string, unknown>[]));
      return { errorCode: '0', message: 'ok', result: null };
    },
    async traCuuHoSo(maHoSo) {
      calls.push({ service: 'TraCuuHoSo', maHoSo: [maHoSo], ok: true });
      const d = held.get(maHoSo);
      return d ? [d] : [];
    },
    // Answers and promotion statuses are tested against the sandbox (tests/e2e/national-sync-outbound.test.ts);
    // here they are only kept.
    async dongBoKetQuaHoiDap(items) {
      replies.push(...(items as Record<string, unknown>[]));
      return { errorCode: '0', message: 'ok', result: null };
    },
    async dongBoTrangThaiHoSo(data) {
      replies.push(data as Record<string, unknown>);
      return { errorCode: '0', message: 'ok', result: null };
    },
  };
  return { portal, held, steps, replies, calls, reject, failNext: (...errs: Error[]) => failures.push(...errs) };
}
