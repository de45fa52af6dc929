import { HttpStatusError } from '@lienthong/platform';
import type { ValidateFunction } from 'ajv';
import { DvcqgError, DvcqgErrorCodes, invalidArgument } from './errors.js';
import { resolveDvcqgOptions, type DvcqgClientOptions } from './options.js';
import { isSessionExpired } from './portal-codes.js';
import { classifyAnswer } from './classify.js';
import { createDvcqgTransport } from './transport.js';
import { createSessionManager } from './session.js';
import { DvcqgServices, MAX_PROGRESS_ITEMS, endpointOfService, type DvcqgService } from './services.js';
import { firstSchemaError, validateAgencyList, validateObjectList, validateProcedureList } from './response-schemas.js';
import type { PortalEnvelope } from './read-answer.js';
import type { DvcqgAgency, DvcqgAnswer, DvcqgClient, DvcqgProcedureSummary } from './types.js';

function checkItems(service: string, items: unknown, max?: number): object[] {
  if (!Array.isArray(items) || items.length === 0) {
    throw invalidArgument(`${service}: items must be a non-empty array`, `${service}: danh sách rỗng`);
  }
  if (items.some((i) => i === null || typeof i !== 'object' || Array.isArray(i))) {
    throw invalidArgument(`${service}: every item must be an object`, `${service}: phần tử phải là đối tượng`);
  }
  if (max !== undefined && items.length > max) {
    throw new DvcqgError(
      DvcqgErrorCodes.TOO_MANY_ITEMS,
      `${service}: ${items.length} items, the portal takes at most ${max} a call`,
      { retriable: false, kind: 'invalid', service, messageVi: `${service}: ${items.length} mục, tối đa ${max} mục một lần gọi` },
    );
  }
  return items as object[];
}

function checkCode(what: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > 200) {
    throw invalidArgument(`${what} must be a non-empty string`, `${what} phải là chuỗi khác rỗng`);
  }
  return value.trim();
}

/** `result` as a list: absent or null → [] (OpenCPS treats an empty result as "unknown" [code S1]). */
function resultList<T>(service: string, env: PortalEnvelope, validate: ValidateFunction): T[] {
  if (env.result === undefined || env.result === null) return [];
  if (!validate(env.result)) {
    throw new DvcqgError(DvcqgErrorCodes.BAD_RESPONSE, `DVCQG ${service}: unexpected result (${firstSchemaError(validate)})`, {
      retriable: true,
      service,
      messageVi: `DVCQG ${service}: kết quả không đúng cấu trúc`,
    });
  }
  return env.result as T[];
}

function answerOf(env: PortalEnvelope): DvcqgAnswer {
  return { errorCode: env.code, message: env.message, result: env.result };
}

/**
 * Client of the DVCQG adapter-style API [code S1 §1.1]: one login, then flat envelopes
 * `{session, madonvi, service, ...params}`. Answers are classified into success or a typed DvcqgError
 * (see errors.ts); an expired session is renewed and the call retried once, transparently.
 */
export function createDvcqgClient(opts: DvcqgClientOptions): DvcqgClient {
  const o = resolveDvcqgOptions(opts);
  const log = o.logger.child({ peer: 'dvcqg' });
  const transport = createDvcqgTransport({ ...o, logger: log });
  const sessions = createSessionManager({ ...o, logger: log }, transport);

  const call = async (
    service: DvcqgService,
    params: Record<string, unknown>,
    items: readonly object[] = [],
    creating = false,
  ): Promise<PortalEnvelope> => {
    const path = o.paths[endpointOfService[service]];
    for (let round = 1; ; round++) {
      const session = await sessions.get();
      let env: PortalEnvelope | undefined;
      let expired = false;
      try {
        env = await transport.post(path, { session: session.token, madonvi: o.madonvi, service, ...params }, service);
        expired = isSessionExpired(env.code, env.message, o.sessionExpiredCodes);
      } catch (err) {
        // A gateway in front of the portal (LGSP/NGSP) would say 401 for a dead session [inf].
        if (!(err instanceof HttpStatusError && err.status === 401)) throw err;
        expired = true;
      }
      if (!expired && env) {
        const ok = classifyAnswer(service, env, items, creating);
        log.debug({ service, items: items.length, errorCode: ok.code }, 'dvcqg call ok');
        return ok;
      }
      sessions.invalidate(session.token);
      if (round >= 2) {
        throw new DvcqgError(DvcqgErrorCodes.SESSION_EXPIRED, `DVCQG ${service}: session refused again right after a new login`, {
          retriable: true,
          service,
          ...(env ? { portalCode: env.code, portalMessage: env.message.slice(0, 300) } : {}),
          messageVi: `DVCQG ${service}: phiên làm việc vẫn bị từ chối sau khi đăng nhập lại`,
        });
      }
      log.info({ service }, 'dvcqg session expired, logging in again');
    }
  };

  return {
    async dongBoHoSo(items, { isUpdating }) {
      const list = checkItems(DvcqgServices.DongBoHoSoMC, items);
      // "True"/"False" as strings, the way OpenCPS sends it [code S1]; scalars are strings (reference §2).
      const env = await call(
        DvcqgServices.DongBoHoSoMC,
        { isUpdating: isUpdating ? 'True' : 'False', data: list },
        list,
        !isUpdating,
      );
      return answerOf(env);
    },
    async capNhatTienDo(items) {
      const list = checkItems(DvcqgServices.CapNhatTienDoHoSoMC, items, MAX_PROGRESS_ITEMS);
      return answerOf(await call(DvcqgServices.CapNhatTienDoHoSoMC, { data: list }, list));
    },
    async traCuuHoSo(maHoSo) {
      const code = checkCode('maHoSo', maHoSo);
      const env = await call(DvcqgServices.TraCuuHoSo, { mahoso: code }); // lower-case key [code S1]
      return resultList<object>(DvcqgServices.TraCuuHoSo, env, validateObjectList);
    },
    async layDanhSachTTHC() {
      const env = await call(DvcqgServices.LayDanhSachTTHC, {});
      return resultList<DvcqgProcedureSummary>(DvcqgServices.LayDanhSachTTHC, env, validateProcedureList).map((p) => ({
        ...p,
        MATTHC: String(p.MATTHC),
        TENTTHC: String(p.TENTTHC),
      }));
    },
    async layThuTuc(maTTHC) {
      const code = checkCode('maTTHC', maTTHC);
      const env = await call(DvcqgServices.LayThuTuc, { maTTHC: code }); // camel-case key [code S1]
      return resultList<object>(DvcqgServices.LayThuTuc, env, validateObjectList)[0];
    },
    async layDanhMucCoQuan() {
      const env = await call(DvcqgServices.LayDanhMucCoQuan, {});
      return resultList<Record<string, unknown>>(DvcqgServices.LayDanhMucCoQuan, env, validateAgencyList).map((a) => {
        const out: DvcqgAgency = { ...a, MADONVI: String(a.MADONVI), TENDONVI: String(a.TENDONVI) };
        if (a.CAPDONVI === null || a.CAPDONVI === undefined) delete out.CAPDONVI;
        else out.CAPDONVI = String(a.CAPDONVI);
        return out;
      });
    },
    async dongBoDanhGia(items) {
      const list = checkItems(DvcqgServices.DongBoDanhGia, items);
      return answerOf(await call(DvcqgServices.DongBoDanhGia, { data: list }, list));
    },
    async layDanhSachHoiDapGuiTuDVCQG() {
      const env = await call(DvcqgServices.LayDanhSachHoiDapGuiTuDVCQG, {});
      return resultList<Record<string, unknown>>(DvcqgServices.LayDanhSachHoiDapGuiTuDVCQG, env, validateObjectList);
    },
    async dongBoKetQuaHoiDap(items) {
      const list = checkItems(DvcqgServices.DongBoKetQuaHoiDapGuiTuDVCQG, items);
      return answerOf(await call(DvcqgServices.DongBoKetQuaHoiDapGuiTuDVCQG, { data: list }, list));
    },
    async dongBoTrangThaiHoSo(data) {
      if (data === null || typeof data !== 'object' || Array.isArray(data)) {
        throw invalidArgument('DongBoTrangThaiHoSo: data must be one object', 'DongBoTrangThaiHoSo: data phải là một đối tượng');
      }
      // type "2" = promotion-notice dossiers, and `data` is ONE object, not an array [code S1 §5].
      return answerOf(await call(DvcqgServices.DongBoTrangThaiHoSo, { type: '2', data }, [data]));
    },
    invalidateSession() {
      sessions.invalidate();
    },
  };
}
