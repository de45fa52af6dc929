import type { Pool } from '@lienthong/platform';
import { checkSchemaName } from '../read-model/schema.js';
import { OpsError } from '../errors.js';
import { dossierIndicators, overdue54, RECEIVED, type IndicatorId } from './definitions.js';

export interface Period {
  /** Inclusive local dates yyyy-mm-dd. */
  from: string;
  to: string;
  /** Instants: [start, end) in Vietnamese local time. */
  startMs: number;
  endMs: number;
}

const VN = '+07:00';

/** A period from inclusive local dates; the current month when both are absent. */
export function parsePeriod(from: string | undefined, to: string | undefined, nowMs: number): Period {
  const local = new Date(nowMs + 7 * 3_600_000).toISOString().slice(0, 10);
  const f = from ?? `${local.slice(0, 7)}-01`;
  const t =
    to ??
    (() => {
      const [y, m] = [Number(local.slice(0, 4)), Number(local.slice(5, 7))];
      return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
    })();
  const problems: { path: string; en: string; vi: string }[] = [];
  const check = (v: string, p: string) => {
    const ms = Date.parse(`${v}T00:00:00${VN}`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(ms) || new Date(ms + 7 * 3_600_000).toISOString().slice(0, 10) !== v) {
      problems.push({ path: p, en: 'must be a date yyyy-mm-dd', vi: 'phải là ngày dạng yyyy-mm-dd' });
    }
    return ms;
  };
  const startMs = check(f, '/from');
  const endMs = check(t, '/to') + 86_400_000;
  if (!problems.length && endMs <= startMs)
    problems.push({ path: '/to', en: 'must not be before from', vi: 'không được trước ngày bắt đầu' });
  if (!problems.length && endMs - startMs > 3 * 366 * 86_400_000)
    problems.push({ path: '/to', en: 'period longer than 3 years', vi: 'kỳ dài quá 3 năm' });
  if (problems.length) {
    throw new OpsError('LT_OPS_BAD_QUERY', problems.map((p) => `${p.path} ${p.en}`).join('; '), {
      kind: 'invalid',
      messageVi: problems.map((p) => `${p.path} ${p.vi}`).join('; '),
      details: problems.map((p) => ({ path: p.path, code: 'LT_OPS_BAD_QUERY', message: p.vi, message_en: p.en })),
    });
  }
  return { from: f, to: t, startMs, endMs };
}

export interface IndicatorFigure {
  id: IndicatorId;
  name: string;
  nameVi: string;
  numerator: number | null;
  denominator: number | null;
  /** Percent, 2 decimals; null when the denominator is 0 (N/A). For 2.2, the average in `unit`. */
  rate: number | null;
  threshold: number | null;
  /** Percent of the indicator's maximum points: 100 at or above the threshold, else rate × 100 / threshold. */
  score: number | null;
  unit?: string;
  factor?: { indicator: string; rate: number | null };
  rule: string;
  source: string;
  inferred: string[];
  note?: string;
}

const round2 = (x: number) => Math.round(x * 100) / 100;
// Rates stay exact until the answer is built: a score or a product computed from rounded rates could
// differ in the last digit from the hand computation (the source rounds the shown figure to 2 decimals).
const pct = (num: number, den: number) => (den > 0 ? (num / den) * 100 : null);
const scoreOf = (rate: number | null, threshold: number | null) =>
  rate === null || threshold === null ? null : rate >= threshold ? 100 : round2((rate * 100) / threshold);

export interface IndicatorQuery {
  agency: string;
  period: Period;
  nowMs: number;
  maTTHC?: string;
}

export interface IndicatorService {
  compute(q: IndicatorQuery): Promise<IndicatorFigure[]>;
  /** The dossiers (or, for 3.5, procedures) behind a numerator or a denominator, paged. */
  items(
    q: IndicatorQuery & { id: string; set: 'numerator' | 'denominator'; page: number; pageSize: number },
  ): Promise<{ total: number; items: Record<string, unknown>[] }>;
}

export function createIndicatorService(deps: { pool: Pool; schema: string; populationCodes: string[] }): IndicatorService {
  const s = checkSchemaName(deps.schema);
  const base = `FROM ${s}.dossier d LEFT JOIN ops_procedure p ON p.ma_tthc = d.ma_tthc_national
    WHERE d.agency_code IN (SELECT code FROM ops_agency_closure WHERE ancestor = $1) AND d.ngay_tiep_nhan < $3
      AND $2::timestamptz IS NOT NULL AND $4::timestamptz IS NOT NULL AND $5::text[] IS NOT NULL`;
  // (The last line only types $2, $4 and $5 for statements whose predicates do not use them: Postgres
  // refuses a bind with more parameters than the statement references.)
  const paramsOf = (q: IndicatorQuery) => [
    q.agency,
    new Date(q.period.startMs),
    new Date(q.period.endMs),
    new Date(Math.min(q.period.endMs, q.nowMs)),
    deps.populationCodes,
  ];

  const aggregateSql = `SELECT ${dossierIndicators
    .map(
      (ind, i) =>
        `count(*) FILTER (WHERE ${ind.denominator}) AS den${i}, count(*) FILTER (WHERE (${ind.denominator}) AND (${ind.numerator})) AS num${i}`,
    )
    .join(',\n')} ${base}`;

  const procedures35 = (which: 'x' | 'y') => `WITH scope AS (SELECT code FROM ops_agency_closure WHERE ancestor = $1),
    y AS (SELECT p.ma_tthc, p.name FROM ops_procedure p WHERE p.has_fee AND p.agencies && ARRAY(SELECT code FROM scope)),
    x AS (SELECT y.ma_tthc, y.name FROM y WHERE EXISTS (
      SELECT 1 FROM ${s}.dossier d WHERE d.ma_tthc_national = y.ma_tthc AND d.fee_total > 0
        AND d.agency_code IN (SELECT code FROM scope)
        AND COALESCE(d.ngay_tiep_nhan, d.ngay_nop) >= $2 AND COALESCE(d.ngay_tiep_nhan, d.ngay_nop) < $3))
    SELECT ma_tthc AS "MaTTHC", name AS "TenTTHC" FROM ${which}`;

  return {
    async compute(q) {
      const params = paramsOf(q);
      const agg = (await deps.pool.query(aggregateSql, params)).rows[0] as Record<string, string>;
      const figures = new Map<string, IndicatorFigure>();
      dossierIndicators.forEach((ind, i) => {
        const num = Number(agg[`num${i}`]);
        const den = Number(agg[`den${i}`]);
        const rate = pct(num, den);
        figures.set(ind.id, {
          id: ind.id as IndicatorId,
          name: ind.name,
          nameVi: ind.nameVi,
          numerator: num,
          denominator: den,
          rate,
          threshold: ind.threshold,
          score: scoreOf(rate, ind.threshold),
          rule: ind.rule,
          source: ind.source,
          inferred: ind.inferred,
        });
      });
      // 3.3 = online share × 1.4 rate (the source's formula, read left to right).
      const f33 = figures.get('3.3')!;
      const r14 = figures.get('1.4')!.rate;
      if (f33.rate !== null) {
        f33.rate = r14 === null ? null : (f33.rate * r14) / 100;
        f33.score = scoreOf(f33.rate, f33.threshold);
      }
      f33.factor = { indicator: '1.4', rate: r14 === null ? null : round2(r14) };
      // 5.4 overdue part: 100 − (late ÷ 2.1 denominator).
      const f21 = figures.get('2.1')!;
      const late = (f21.denominator ?? 0) - (f21.numerator ?? 0);
      const overdueRate = pct(late, f21.denominator ?? 0);
      const r54 = overdueRate === null ? null : 100 - overdueRate;
      figures.set('5.4', {
        ...overdue54,
        id: '5.4',
        numerator: late,
        denominator: f21.denominator,
        rate: r54,
        score: scoreOf(r54, overdue54.threshold),
        note: 'numerator = overdue dossiers (2.1 denominator − 2.1 numerator); rate = 100 − overdue rate',
      });
      // 3.5: procedures, not dossiers.
      const x = (await deps.pool.query(`SELECT count(*) AS n FROM (${procedures35('x')}) t`, params.slice(0, 3))).rows[0] as {
        n: string;
      };
      const y = (await deps.pool.query(`SELECT count(*) AS n FROM (${procedures35('y')}) t`, params.slice(0, 3))).rows[0] as {
        n: string;
      };
      const r35 = pct(Number(x.n), Number(y.n));
      figures.set('3.5', {
        id: '3.5',
        name: 'Fee-bearing procedures with online-payable dossiers',
        nameVi: 'TTHC có nghĩa vụ tài chính được tích hợp thanh toán trực tuyến',
        numerator: Number(x.n),
        denominator: Number(y.n),
        rate: r35,
        threshold: 80,
        score: scoreOf(r35, 80),
        rule: "Y: procedures of the agency (COQUANTHUCHIEN in the agency's units) with a non-zero fee in the catalogue now; X: those of Y with at least one dossier in the period (NgayTiepNhan, else NgayNopHoSo) whose DanhSachLePhi has a non-zero Gia.",
        source: 'catalogue (LayThuTuc) + dossier.events.v1',
        inferred: [
          'X is restricted to Y, so the rate never exceeds 100 %.',
          "The agency's procedures are those whose COQUANTHUCHIEN names one of its units.",
        ],
      });
      // 2.2: one procedure only (the source shows it only when a procedure is selected).
      const f22: IndicatorFigure = {
        id: '2.2',
        name: 'Average resolution time per procedure',
        nameVi: 'Thời gian giải quyết trung bình của TTHC',
        numerator: null,
        denominator: null,
        rate: null,
        threshold: null,
        score: null,
        rule: 'Total resolution time ÷ dossiers finished as 9 or 10 whose start (NgayTiepNhan) is in the period; time = end − start − the citizen\'s supplement time, in the procedure\'s DonViTinh (working days when it says "làm việc", else calendar days).',
        source: 'dossier.events.v1 + catalogue (DonViTinh)',
        inferred: ['Working days are counted with the working-day calendar at 480 working minutes a day.'],
      };
      if (q.maTTHC) {
        const r = (
          await deps.pool.query(
            `SELECT count(*) AS n, COALESCE(sum(d.resolution_wmin), 0) AS wmin, COALESCE(sum(d.resolution_ms), 0) AS ms, bool_and(COALESCE(p.working_days, true)) AS working
           ${base} AND ${RECEIVED} AND d.end_status IN (9, 10) AND d.resolution_wmin IS NOT NULL AND d.ma_tthc_national = $6`,
            [...params, q.maTTHC],
          )
        ).rows[0] as { n: string; wmin: string; ms: string; working: boolean | null };
        const n = Number(r.n);
        const working = r.working ?? true;
        const total = working ? Number(r.wmin) / 480 : Number(r.ms) / 86_400_000;
        f22.numerator = round2(total);
        f22.denominator = n;
        f22.rate = n > 0 ? total / n : null;
        f22.unit = working ? 'working days' : 'days';
      } else {
        f22.note = 'shown only when one procedure is selected (?maTTHC=)';
      }
      figures.set('2.2', f22);
      const order = ['1.4', '2.1', '2.2', '3.3', '3.5', '3.6', '4.1', '4.2', '4.3', '4.4', '4.5b', '5.4'];
      return order.map((id) => {
        const f = figures.get(id)!;
        return { ...f, rate: f.rate === null ? null : round2(f.rate) };
      });
    },

    async items(q) {
      const params = paramsOf(q);
      const offset = (q.page - 1) * q.pageSize;
      if (q.id === '3.5') {
        const sql = procedures35(q.set === 'numerator' ? 'x' : 'y');
        const total = Number(
          ((await deps.pool.query(`SELECT count(*) AS n FROM (${sql}) t`, params.slice(0, 3))).rows[0] as { n: string }).n,
        );
        const rows = (await deps.pool.query(`${sql} ORDER BY 1 LIMIT $4 OFFSET $5`, [...params.slice(0, 3), q.pageSize, offset]))
          .rows;
        return { total, items: rows };
      }
      const id = q.id === '5.4' ? '2.1' : q.id;
      const ind = dossierIndicators.find((i) => i.id === id);
      if (!ind && q.id !== '2.2')
        throw new OpsError('LT_OPS_UNKNOWN_INDICATOR', `no indicator ${q.id}`, {
          kind: 'not_found',
          messageVi: `không có chỉ số ${q.id}`,
        });
      let where: string;
      const extra: unknown[] = [];
      if (q.id === '2.2') {
        if (!q.maTTHC)
          throw new OpsError('LT_OPS_BAD_QUERY', '2.2 needs maTTHC', {
            kind: 'invalid',
            messageVi: 'chỉ số 2.2 cần mã thủ tục (maTTHC)',
          });
        where = `${RECEIVED} AND d.end_status IN (9, 10) AND d.resolution_wmin IS NOT NULL AND d.ma_tthc_national = $6`;
        extra.push(q.maTTHC);
      } else if (q.id === '5.4') {
        // 5.4's numerator is the overdue dossiers: 2.1's denominator less its numerator.
        where = q.set === 'numerator' ? `(${ind!.denominator}) AND NOT (${ind!.numerator})` : ind!.denominator;
      } else {
        where = q.set === 'numerator' ? `(${ind!.denominator}) AND (${ind!.numerator})` : ind!.denominator;
      }
      const all = [...params, ...extra];
      const n = all.length;
      const total = Number(
        ((await deps.pool.query(`SELECT count(*) AS n ${base} AND ${where}`, all)).rows[0] as { n: string }).n,
      );
      const rows = (
        await deps.pool.query(
          `SELECT d.ma_ho_so AS "MaHoSo", d.agency_code AS "agency", d.ma_tthc AS "MaTTHC", d.kenh AS "KenhThucHien", d.trang_thai AS "TrangThaiHoSo",
           d.ngay_tiep_nhan AS "receivedAt", d.due_at AS "dueAt", d.end_at AS "endAt", d.end_status AS "endStatus", d.supp_count AS "supplementRounds"
         ${base} AND ${where} ORDER BY d.ma_ho_so LIMIT $${n + 1} OFFSET $${n + 2}`,
          [...all, q.pageSize, offset],
        )
      ).rows;
      return { total, items: rows };
    },
  };
}
