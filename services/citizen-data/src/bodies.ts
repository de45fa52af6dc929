import { Ajv, type ErrorObject } from 'ajv';
import type { ErrorDetail } from '@lienthong/platform';

/**
 * Bodies of the look-up routes, checked in the handler (not by fastify) so that an invalid request is
 * still a look-up attempt that reaches the audit log. `purpose` is checked separately (purpose.ts).
 */
const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });

const person = {
  SoDinhDanh: { type: 'string', pattern: '^[0-9]{12}$' },
  SoCMND: { type: 'string', pattern: '^[0-9]{9}$' },
  HoVaTen: { type: 'string', minLength: 1, maxLength: 200 },
  NgayThangNam: { type: 'string', pattern: '^[0-9]{8}$' },
} as const;
const oneId = {
  oneOf: [
    { required: ['SoDinhDanh'], not: { required: ['SoCMND'] } },
    { required: ['SoCMND'], not: { required: ['SoDinhDanh'] } },
  ],
};

const lookupBody = {
  type: 'object',
  additionalProperties: false,
  required: ['HoVaTen'],
  properties: { ...person, purpose: {} },
  ...oneId,
} as const;
export const validateLookupBody = ajv.compile(lookupBody);

const autofillBody = {
  type: 'object',
  additionalProperties: false,
  required: ['applicant'],
  properties: {
    MaTTHC: { type: 'string', maxLength: 100 },
    purpose: {},
    applicant: {
      type: 'object',
      additionalProperties: false,
      properties: {
        ...person,
        taxCode: { type: 'string', pattern: '^[0-9]{10}(-[0-9]{3})?$' },
        Email: { type: 'string', maxLength: 254, pattern: '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$' },
        SoDienThoai: { type: 'string', pattern: '^\\+?[0-9]{8,15}$' },
      },
      oneOf: [
        { required: ['SoDinhDanh', 'HoVaTen'], not: { anyOf: [{ required: ['SoCMND'] }, { required: ['taxCode'] }] } },
        { required: ['SoCMND', 'HoVaTen'], not: { anyOf: [{ required: ['SoDinhDanh'] }, { required: ['taxCode'] }] } },
        { required: ['taxCode'], not: { anyOf: [{ required: ['SoDinhDanh'] }, { required: ['SoCMND'] }] } },
      ],
    },
  },
} as const;
export const validateAutofillBody = ajv.compile(autofillBody);

const auditSearchBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    subjectId: { type: 'string', pattern: '^([0-9]{9}|[0-9]{12}|[0-9]{10}(-[0-9]{3})?)$' },
    subjectType: { enum: ['citizen', 'business'] },
    officerId: { type: 'string', minLength: 1, maxLength: 100 },
    agency: { type: 'string', minLength: 1, maxLength: 50 },
    MaHoSo: { type: 'string', minLength: 1, maxLength: 100 },
    from: { type: 'string', minLength: 10, maxLength: 40 },
    to: { type: 'string', minLength: 10, maxLength: 40 },
    limit: { type: 'integer', minimum: 1, maximum: 1000 },
  },
} as const;
export const validateAuditSearch = ajv.compile(auditSearchBody);

const purposeDoc = {
  type: 'object',
  description: 'Why the look-up is made; the agency is the MaHoSo prefix (autofill: MaTTHC may sit beside purpose)',
  required: ['MaHoSo', 'MaTTHC', 'officerId'],
  properties: {
    MaHoSo: { type: 'string', examples: ['000.00.01.H22-251205-0001'] },
    MaTTHC: { type: 'string', examples: ['1.001612'] },
    officerId: { type: 'string', examples: ['cb.nguyenvana'] },
  },
};
/**
 * Route schemas for the OpenAPI document only: the handlers validate (above) so that an invalid request
 * is still audited, hence `noValidation` as the routes' validatorCompiler.
 */
export const openApiBodies = {
  lookup: { ...lookupBody, properties: { ...lookupBody.properties, purpose: purposeDoc }, required: ['HoVaTen', 'purpose'] },
  autofill: {
    ...autofillBody,
    properties: { ...autofillBody.properties, purpose: purposeDoc },
    required: ['applicant', 'purpose'],
  },
  auditSearch: auditSearchBody,
};
export const noValidation = () => () => true;

/** ajv's errors as our details. Never echoes the offending value (it may be an ID). */
export function detailsOf(errors: ErrorObject[] | null | undefined): ErrorDetail[] {
  return (errors ?? []).map((e) => {
    const extra =
      e.keyword === 'additionalProperties'
        ? `/${(e.params as { additionalProperty: string }).additionalProperty}`
        : e.keyword === 'required'
          ? `/${(e.params as { missingProperty: string }).missingProperty}`
          : '';
    const path = `${e.instancePath}${extra}`;
    return {
      path,
      code: `LT_CITIZEN_${e.keyword.toUpperCase()}`,
      message: `Giá trị không hợp lệ tại ${path || '/'} (${e.keyword})`,
      message_en: `${path || '/'} ${e.message ?? 'is invalid'}`,
    };
  });
}

/** Details of a body, except problems under /purpose (purpose.ts reports those). */
export function bodyProblems(valid: boolean, errors: ErrorObject[] | null | undefined): ErrorDetail[] {
  return valid ? [] : detailsOf(errors).filter((d) => !d.path.startsWith('/purpose'));
}
