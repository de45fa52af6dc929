import { Ajv, type ValidateFunction } from 'ajv';

/**
 * Shapes we accept from the portal. Its answers are untrusted input (conventions §6), and there is no
 * official schema (reference §12), so these are deliberately loose where implementations disagree
 * (error_code as number or string [code S1]; extra fields allowed) and strict where we depend on a
 * value (error_code present; the fields we read are strings). Kept here rather than in schemas/dvcqg/
 * because they describe the transport envelope, not a national data packet.
 */
const ajv = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true });

const scalar = { type: ['string', 'number'], maxLength: 10_000 } as const;

/** `{error_code, message?, result?}` [code S1]; `message` may be absent or null in the wild [inf]. */
export const envelopeSchema = {
  type: 'object',
  required: ['error_code'],
  properties: {
    error_code: { type: ['string', 'integer'], maxLength: 16 },
    message: { type: ['string', 'null'] },
  },
} as const;

/** Login answer: a session string and, maybe, an expiry [code S1, X3]; `expires`/`expires_in` forms [inf]. */
export const loginAnswerSchema = {
  type: 'object',
  required: ['error_code'],
  properties: {
    error_code: { type: ['string', 'integer'], maxLength: 16 },
    session: { type: 'string', minLength: 1, maxLength: 4096 },
    expires: { type: ['string', 'number'] },
    expires_in: { type: 'number' },
  },
} as const;

/** result[] of TraCuuHoSo and LayThuTuc: objects (null/absent are handled before validation). */
export const objectListSchema = { type: 'array', items: { type: 'object' } } as const;

/** LayDanhSachTTHC result[] [code S1 §5]. */
export const procedureListSchema = {
  type: 'array',
  items: { type: 'object', required: ['MATTHC', 'TENTTHC'], properties: { MATTHC: scalar, TENTTHC: scalar } },
} as const;

/** LayDanhMucCoQuan result[] [code S1 §5]; CAPDONVI may come as a number, it is normalised to a string. */
export const agencyListSchema = {
  type: 'array',
  items: {
    type: 'object',
    required: ['MADONVI', 'TENDONVI'],
    properties: { MADONVI: scalar, TENDONVI: scalar, CAPDONVI: { type: ['string', 'number', 'null'], maxLength: 64 } },
  },
} as const;

export const validateEnvelope: ValidateFunction = ajv.compile(envelopeSchema);
export const validateLoginAnswer: ValidateFunction = ajv.compile(loginAnswerSchema);
export const validateObjectList: ValidateFunction = ajv.compile(objectListSchema);
export const validateProcedureList: ValidateFunction = ajv.compile(procedureListSchema);
export const validateAgencyList: ValidateFunction = ajv.compile(agencyListSchema);

/** First ajv error as "path message", for LT_DVCQG_BAD_RESPONSE messages (never the value itself). */
export function firstSchemaError(v: ValidateFunction): string {
  const e = v.errors?.[0];
  return e ? `${e.instancePath || '/'} ${e.message ?? 'invalid'}` : 'invalid';
}
