import { createEvent, type CloudEvent } from '@lienthong/events';
import { schemaIds, type DossierApologyEvent } from '@lienthong/standard';

export const APOLOGY_ISSUED = 'vn.lienthong.dossier.apology-issued';
/** `dataschema` of the event: schemas/events/dossier-apology.v1.json. */
export const apologySchemaId = schemaIds.dossierApologyEvent;

/**
 * `vn.lienthong.dossier.apology-issued` on dossier.deadline.v1: an officer recorded the apology letter with a new
 * date. The id is derived from the letter (one event per letter), so an outbox republish after a crash carries the
 * same id. Exported for the consumers' tests (notifications), which must feed the event this producer builds.
 */
export function apologyEvent(data: DossierApologyEvent, at: Date): CloudEvent<DossierApologyEvent> {
  return createEvent({
    id: `apology-${data.apologyId}`,
    source: 'urn:lienthong:operations',
    type: APOLOGY_ISSUED,
    subject: data.MaHoSo,
    dataschema: apologySchemaId,
    time: at,
    data,
  });
}
