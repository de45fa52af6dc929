import { createEvent, type CloudEvent } from '@lienthong/events';
import type { PoolClient } from '@lienthong/platform';
import type { PostalState } from '@lienthong/vnpost';

export const POSTAL_EVENT_SCHEMA = 'https://lienthong.gov.vn/schemas/events/postal-status.v1.json';

/** A row of postal_orders as the API shows it. */
export interface PostalOrderRow {
  ma_ho_so: string;
  result_key: string;
  agency: string;
  route: 'myvnpost' | 'hcc';
  state: string;
  item_code: string | null;
  original_id: string | null;
  vnpost_status: string | null;
  last_status_at: Date | null;
  flagged: boolean;
  flag_reason: string | null;
  attempts: number;
  last_error: string | null;
  created_at: Date;
  updated_at: Date;
}

/** Data of `vn.lienthong.postal.<state>` on postal.events.v1 (schemas/events/postal-status.v1.json). */
export interface PostalEventData {
  MaHoSo: string;
  resultKey: string;
  agency: string;
  route: 'myvnpost' | 'hcc';
  state: PostalState;
  itemCode: string | null;
  vnpostStatus: string | null;
  statusName: string | null;
  at: string;
}

/**
 * Writes the event into the outbox in the caller's transaction, so a state change and its event commit
 * together (the relay publishes later). The id is derived from the order and the VNPost status and time,
 * so a replayed webhook that slipped through yields the same id and consumers drop it.
 */
export async function enqueueEvent(c: PoolClient, data: PostalEventData): Promise<CloudEvent<PostalEventData>> {
  const ev = createEvent({
    id: `postal:${data.MaHoSo}:${data.resultKey}:${data.state}:${data.vnpostStatus ?? '-'}:${data.at}`,
    source: 'urn:lienthong:postal',
    type: `vn.lienthong.postal.${data.state}`,
    subject: data.MaHoSo,
    dataschema: POSTAL_EVENT_SCHEMA,
    data,
  });
  await c.query('INSERT INTO postal_outbox (subject, event) VALUES ($1, $2)', [ev.subject, JSON.stringify(ev)]);
  return ev;
}
