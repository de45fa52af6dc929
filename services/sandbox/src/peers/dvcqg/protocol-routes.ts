import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  ALREADY_EXISTS_PORTAL_CODE,
  DvcqgServices,
  PORTAL_ERROR_CODE,
  SESSION_EXPIRED_MESSAGE,
  SESSION_EXPIRED_PORTAL_CODE,
  endpointOfService,
  type DvcqgService,
} from '@lienthong/dvcqg';
import { drawFault, type DvcqgFaults } from './faults.js';
import { gatewayTimeoutPage, malformedAnswer, outagePage, serverErrorPage, type RawAnswer } from './malformed.js';
import { fail, maHoSoOf, type ServiceContext, type ServiceHandler, type ServiceOutcome } from './outcome.js';
import { login } from './auth-service.js';
import { dongBoHoSoMC } from './dossier-service.js';
import { capNhatTienDoHoSoMC } from './progress-service.js';
import { dongBoDanhGia } from './rating-service.js';
import { dongBoKetQuaHoiDapGuiTuDVCQG, layDanhSachHoiDapGuiTuDVCQG } from './qa-service.js';
import { dongBoTrangThaiHoSo } from './promotion-status-service.js';
import { layDanhMucCoQuan, layDanhSachTTHC, layThuTuc, traCuuHoSo } from './lookup-services.js';
import type { CallRecord } from './store.js';
import type { Random } from '../peer-kit/index.js';

const handlers: Record<DvcqgService, ServiceHandler> = {
  [DvcqgServices.DongBoHoSoMC]: dongBoHoSoMC,
  [DvcqgServices.CapNhatTienDoHoSoMC]: capNhatTienDoHoSoMC,
  [DvcqgServices.TraCuuHoSo]: traCuuHoSo,
  [DvcqgServices.LayThuTuc]: layThuTuc,
  [DvcqgServices.DongBoDanhGia]: dongBoDanhGia,
  [DvcqgServices.LayDanhSachTTHC]: layDanhSachTTHC,
  [DvcqgServices.LayDanhMucCoQuan]: layDanhMucCoQuan,
  [DvcqgServices.LayDanhSachHoiDapGuiTuDVCQG]: layDanhSachHoiDapGuiTuDVCQG,
  [DvcqgServices.DongBoKetQuaHoiDapGuiTuDVCQG]: dongBoKetQuaHoiDapGuiTuDVCQG,
  [DvcqgServices.DongBoTrangThaiHoSo]: dongBoTrangThaiHoSo,
};

type Endpoint = CallRecord['endpoint'];

export interface ProtocolDeps extends ServiceContext {
  random: () => Random;
  now: () => number;
  /** Sleeps that end early when the app closes, so a simulated hang never holds up shutdown. */
  sleep: (ms: number) => Promise<void>;
}

/**
 * The envelope in the active dialect: success as 0, "0" or "00" [code S1, T2]; failure codes follow the
 * same type (numbers with 0, strings otherwise) [inf].
 */
function envelopeOf(o: ServiceOutcome, f: DvcqgFaults): Record<string, unknown> {
  const failure = { error: PORTAL_ERROR_CODE, exists: ALREADY_EXISTS_PORTAL_CODE, session: SESSION_EXPIRED_PORTAL_CODE } as const;
  const code =
    o.status === 'ok' ? f.successCode : typeof f.successCode === 'number' ? Number(failure[o.status]) : failure[o.status];
  return {
    error_code: code,
    message: o.message,
    ...(o.extra ?? {}),
    ...(o.status === 'ok' && o.result !== undefined ? { result: o.result } : {}),
  };
}

function serviceOf(endpoint: Endpoint, body: Record<string, unknown> | undefined): string {
  if (endpoint === 'auth') return 'login';
  const s = body?.service;
  return typeof s === 'string' && s.length <= 64 ? s : '(none)';
}

/** Session, madonvi and service of an envelope [code S1]; the handler does the rest. */
function dispatch(deps: ProtocolDeps, endpoint: Exclude<Endpoint, 'auth'>, body: Record<string, unknown>): ServiceOutcome {
  const named = {
    maHoSo: maHoSoOf(Array.isArray(body.data) ? body.data : []),
    items: Array.isArray(body.data) ? body.data.length : 0,
  };
  if (typeof body.session !== 'string' || !deps.store.sessionAlive(body.session, deps.faults().sessionTtlMs)) {
    return fail(SESSION_EXPIRED_MESSAGE, named, 'session');
  }
  if (typeof body.madonvi !== 'string' || body.madonvi.trim() === '' || body.madonvi.length > 64) {
    return fail('Thiếu mã đơn vị (madonvi)', named);
  }
  const service = body.service as DvcqgService;
  if (typeof body.service !== 'string' || !Object.hasOwn(handlers, service)) {
    return fail(`Dịch vụ không được hỗ trợ: ${String(body.service).slice(0, 64)}`, named);
  }
  if (endpointOfService[service] !== endpoint) {
    return fail(`Dịch vụ ${service} không được cung cấp tại điểm kết nối này`, named);
  }
  return handlers[service](deps, body);
}

async function send(reply: FastifyReply, a: RawAnswer): Promise<FastifyReply> {
  return reply.status(a.status).type(a.contentType).send(a.body);
}

/**
 * POST /auth, /integration, /share (paths are our choice, the real ones are unknown — reference §12 [inf]).
 * Order per call: latency → outage/5xx (nothing processed) → processing → timeout (processed, answer lost)
 * or malformed answer (processed, answer mangled) → the envelope. "Processed, answer lost" is the case
 * that tests a sender's idempotence: a retried create then meets "đã tồn tại".
 */
export function registerProtocolRoutes(app: FastifyInstance, deps: ProtocolDeps): void {
  const handle = (endpoint: Endpoint) => async (req: FastifyRequest, reply: FastifyReply) => {
    const started = Date.now();
    const id = deps.store.nextCallId();
    const f = deps.faults();
    const body =
      req.body !== null && typeof req.body === 'object' && !Array.isArray(req.body)
        ? (req.body as Record<string, unknown>)
        : undefined;
    const service = serviceOf(endpoint, body);
    const record = (c: Partial<CallRecord> & Pick<CallRecord, 'outcome' | 'httpStatus'>) =>
      deps.store.recordCall({
        id,
        at: new Date(deps.now()).toISOString(),
        endpoint,
        service,
        ...(typeof body?.madonvi === 'string' ? { madonvi: body.madonvi.slice(0, 64) } : {}),
        items: Array.isArray(body?.data) ? body.data.length : 0,
        maHoSo: body
          ? maHoSoOf(Array.isArray(body.data) ? body.data : typeof body.mahoso === 'string' ? [{ MaHoSo: body.mahoso }] : [])
          : [],
        errorCode: null,
        message: '',
        durationMs: Date.now() - started,
        ...c,
      });

    if (f.latencyMs > 0) await deps.sleep(f.latencyMs);
    const fault = drawFault(f, deps.random());
    if (fault === 'outage') {
      record({ outcome: 'fault:outage', httpStatus: 503 });
      return send(reply, outagePage());
    }
    if (fault === 'error') {
      const statuses = [500, 502, 503] as const;
      const status = statuses[Math.floor(deps.random()() * statuses.length)] ?? 500;
      record({ outcome: 'fault:5xx', httpStatus: status });
      return send(reply, serverErrorPage(status));
    }
    if (!body) {
      record({ outcome: 'bad-request', httpStatus: 400, errorCode: PORTAL_ERROR_CODE, message: 'body is not a JSON object' });
      return reply
        .status(400)
        .send({ error_code: Number(PORTAL_ERROR_CODE), message: 'Dữ liệu gửi lên phải là một đối tượng JSON' });
    }

    const outcome = endpoint === 'auth' ? login(deps, body, deps.now()) : dispatch(deps, endpoint, body);
    const envelope = envelopeOf(outcome, f);
    const summary = {
      errorCode: envelope.error_code as string | number,
      message: outcome.message,
      ...(outcome.isUpdating === undefined ? {} : { isUpdating: outcome.isUpdating }),
      ...(outcome.maHoSo.length ? { maHoSo: outcome.maHoSo } : {}),
      items: outcome.items,
    };
    const verdict =
      outcome.status === 'ok'
        ? 'ok'
        : outcome.status === 'session'
          ? 'session-expired'
          : outcome.status === 'exists'
            ? 'already-exists'
            : 'refused';

    if (fault === 'timeout') {
      await deps.sleep(deps.cfg.timeoutHangMs);
      record({ ...summary, outcome: `fault:timeout (${verdict})`, httpStatus: 504 });
      return send(reply, gatewayTimeoutPage());
    }
    if (f.malformed) {
      const a = malformedAnswer(f.malformed, envelope, deps.cfg.hugeBodyBytes);
      record({ ...summary, outcome: `malformed:${f.malformed} (${verdict})`, httpStatus: a.status });
      return send(reply, a);
    }
    record({ ...summary, outcome: verdict, httpStatus: 200 });
    return reply.status(200).type('application/json; charset=utf-8').send(JSON.stringify(envelope));
  };

  app.post('/auth', handle('auth'));
  app.post('/integration', handle('integration'));
  app.post('/share', handle('share'));
}
