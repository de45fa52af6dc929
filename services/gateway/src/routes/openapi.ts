/** Shared OpenAPI fragments of the gateway's routes (documentation only). */
const errorBody = {
  type: 'object',
  required: ['error', 'message', 'details'],
  properties: {
    error: { type: 'string', description: 'stable code, LT_*' },
    message: { type: 'string', description: 'Vietnamese message' },
    message_en: { type: 'string' },
    details: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          path: { type: 'string' },
          code: { type: 'string' },
          message: { type: 'string' },
          message_en: { type: 'string' },
        },
      },
    },
  },
};

export const errorResponses = {
  400: { description: 'invalid packet(s); nothing published', ...errorBody },
  401: { description: 'missing or unknown API key', ...errorBody },
  403: { description: 'dossier of an agency outside the client scope', ...errorBody },
  409: { description: 'Idempotency-Key reused for another body, or still in progress', ...errorBody },
  413: { description: 'body over the limit', ...errorBody },
  415: { description: 'not application/json', ...errorBody },
  429: { description: 'rate limit of the client exceeded', ...errorBody },
  503: {
    description:
      'Kafka did not acknowledge; nothing is claimed as accepted: resend with the same Idempotency-Key (a 1-item request may already be visible; the resend is absorbed downstream)',
    ...errorBody,
  },
};

/** One finding of the standard, as in a 400's details and in warnings. */
export const issueDoc = {
  type: 'object',
  properties: { path: { type: 'string' }, code: { type: 'string' }, message: { type: 'string' }, message_en: { type: 'string' } },
};

export const acceptedResponse = {
  description: 'every item is on dossier.events.v1',
  type: 'object',
  properties: {
    accepted: {
      type: 'array',
      items: { type: 'object', properties: { MaHoSo: { type: 'string' }, eventId: { type: 'string' } } },
    },
    warnings: {
      type: 'array',
      description:
        'present when rules the reference only infers found something (docs/standard.md, "Warnings"); never a refusal. Paths are JSON pointers into the body',
      items: issueDoc,
    },
  },
};

export function packetBodyDoc(what: string) {
  return {
    description: `${what}, or an array of them`,
    anyOf: [
      { type: 'object', additionalProperties: true },
      { type: 'array', items: { type: 'object', additionalProperties: true } },
    ],
  };
}
