import { agencyScopeSql, type ApiClient, type Pool } from '@lienthong/platform';
import type { IndexedEvent } from '../index/event-index.js';
import { t, type Lang } from '../lib/i18n.js';

interface Row {
  topic: string;
  event_id: string;
  type: string;
  subject: string;
  ma_ho_so: string | null;
  agency: string | null;
  procedure: string | null;
  status: string | null;
  owner: string | null;
  summary: Record<string, unknown>;
  event_time: Date;
}

const toEvent = (r: Row): IndexedEvent => ({
  topic: r.topic,
  eventId: r.event_id,
  type: r.type,
  subject: r.subject,
  maHoSo: r.ma_ho_so,
  agency: r.agency,
  procedure: r.procedure,
  status: r.status,
  owner: r.owner,
  summary: r.summary,
  time: r.event_time,
});

const COLS = 'topic, event_id, type, subject, ma_ho_so, agency, procedure, status, owner, summary, event_time';

/**
 * The newest indexed events an officer may see: scoped in the query on each event's own agency (its
 * MaHoSo prefix, or the payment's or packet's agency), so a scoped officer gets their agencies' newest
 * `limit` rows, and events of no known agency only reach '*' officers.
 */
export async function recentEvents(pool: Pool, limit: number, visibleTo: Pick<ApiClient, 'agencies'>): Promise<IndexedEvent[]> {
  const scope = agencyScopeSql(visibleTo, 'agency', 2);
  const r = await pool.query<Row>(
    `SELECT ${COLS} FROM console_event WHERE ${scope.sql} ORDER BY event_time DESC, indexed_at DESC LIMIT $1`,
    [limit, ...scope.params],
  );
  return r.rows.map(toEvent);
}

export async function eventsOf(pool: Pool, maHoSo: string): Promise<IndexedEvent[]> {
  const r = await pool.query<Row>(
    `SELECT ${COLS} FROM console_event WHERE ma_ho_so = $1 ORDER BY event_time, "offset" LIMIT 2000`,
    [maHoSo],
  );
  return r.rows.map(toEvent);
}

export interface DossierFilter {
  maHoSo?: string;
  agency?: string;
  procedure?: string;
  status?: string;
  from?: string;
  to?: string;
}

/** Dossiers known to the index, newest snapshot per MaHoSo, by indexed columns only. */
export async function searchDossiers(pool: Pool, f: DossierFilter, limit = 100): Promise<IndexedEvent[]> {
  const where = [`type = 'vn.lienthong.dossier.upserted'`];
  const args: unknown[] = [];
  if (f.maHoSo) where.push(`ma_ho_so LIKE $${args.push(`${f.maHoSo.replace(/[%_\\]/g, (c) => `\\${c}`)}%`)}`);
  if (f.agency) where.push(`agency = $${args.push(f.agency)}`);
  if (f.procedure) where.push(`procedure = $${args.push(f.procedure)}`);
  if (f.from) where.push(`event_time >= ($${args.push(f.from)}::date)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh'`);
  if (f.to) where.push(`event_time < (($${args.push(f.to)}::date) + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh'`);
  const statusFilter = f.status ? `WHERE status = $${args.push(f.status)}` : '';
  const r = await pool.query<Row>(
    `SELECT * FROM (SELECT DISTINCT ON (ma_ho_so) ${COLS} FROM console_event WHERE ${where.join(' AND ')} ORDER BY ma_ho_so, event_time DESC, "offset" DESC) d
      ${statusFilter} ORDER BY event_time DESC LIMIT $${args.push(limit)}`,
    args,
  );
  return r.rows.map(toEvent);
}

export function eventLabel(e: Pick<IndexedEvent, 'type' | 'status' | 'summary'>, lang: Lang): string {
  if (e.type === 'vn.lienthong.dossier.upserted') return `${t(lang, 'gatewayAccepted')} · DongBoHoSoMC`;
  if (e.type === 'vn.lienthong.dossier.progressed') return `${t(lang, 'gatewayAccepted')} · CapNhatTienDoHoSoMC`;
  if (e.type.startsWith('vn.lienthong.sync.')) return `${t(lang, 'syncOutcome')} · ${String(e.summary.packet ?? '')}`;
  if (e.type.startsWith('vn.lienthong.inbound.')) return `${t(lang, 'inboundPacket')} · ${e.type.split('.').pop()}`;
  if (e.type.startsWith('vn.lienthong.payment.')) return `${t(lang, 'paymentEvent')} · ${e.type.split('.').pop()}`;
  return e.type;
}
