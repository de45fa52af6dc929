import { createHmac } from 'node:crypto';

export type SubjectType = 'citizen' | 'business';

/**
 * The keyed hash under which a subject (personal ID, old ID or tax code) is stored in the audit log and its
 * events: HMAC-SHA-256 with a key the database never sees, so the log answers "who looked at this person"
 * (hash the ID on the way in) without holding the ID, and a leaked table cannot be reversed by hashing every
 * possible ID (12 digits is only 10^12 guesses for a plain hash).
 */
export function createSubjectHasher(key: string): (type: SubjectType, id: string) => string {
  return (type, id) => createHmac('sha256', key).update(`${type}:${id}`, 'utf8').digest('hex');
}
