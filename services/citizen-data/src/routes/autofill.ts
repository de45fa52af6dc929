import type { FastifyInstance } from 'fastify';
import { HubError } from '@lienthong/platform';
import type { CsdlDanCuClient } from '@lienthong/csdl-dancu';
import type { DkkdClient } from '@lienthong/dkkd';
import { fillFromBusiness, fillFromCitizen, validateApplicantFields, type AutofillResult } from '../autofill.js';
import { bodyProblems, noValidation, openApiBodies, validateAutofillBody } from '../bodies.js';
import type { Guard } from '../guard.js';
import type { Licences } from '../licences.js';
import { callerOf, notFound, personQuery, subjectOf } from './citizens.js';

/**
 * POST /v1/autofill `{MaTTHC, applicant: {SoDinhDanh | SoCMND | taxCode, HoVaTen?, NgayThangNam?, Email?,
 * SoDienThoai?}, purpose}` → the DongBoHoSoMC applicant fields filled from the population DB or the
 * business registry, each with its provenance, validated with the standard's schema (docs/citizen-data.md).
 */
export function registerAutofillRoute(
  app: FastifyInstance,
  deps: { guard: Guard; csdl: CsdlDanCuClient; dkkd: DkkdClient; licences: () => Licences },
): void {
  app.post(
    '/v1/autofill',
    {
      config: { access: { roles: ['submitter'] } },
      logLevel: 'warn',
      schema: {
        summary: 'DongBoHoSoMC applicant fields filled from the national registries, with provenance; audited',
        tags: ['autofill'],
        body: openApiBodies.autofill,
      },
      validatorCompiler: noValidation,
    },
    async (req, reply) => {
      const b = (req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? req.body : {}) as Record<string, unknown>;
      const applicant = (
        b.applicant && typeof b.applicant === 'object' && !Array.isArray(b.applicant) ? b.applicant : {}
      ) as Record<string, unknown>;
      const contact = {
        ...(typeof applicant.Email === 'string' ? { Email: applicant.Email } : {}),
        ...(typeof applicant.SoDienThoai === 'string' ? { SoDienThoai: applicant.SoDienThoai } : {}),
      };
      const problems = bodyProblems(validateAutofillBody(b), validateAutofillBody.errors);
      const isBusiness = typeof applicant.taxCode === 'string';
      const taxOk = isBusiness && /^[0-9]{10}(-[0-9]{3})?$/.test(applicant.taxCode as string);
      const subject = isBusiness
        ? taxOk
          ? { type: 'business' as const, id: applicant.taxCode as string }
          : undefined
        : subjectOf(applicant);
      let checked: ReturnType<typeof validateApplicantFields> | undefined;
      const r = await deps.guard({
        req,
        reply,
        operation: isBusiness ? 'business.lookup' : 'citizen.lookup',
        auditOperation: isBusiness ? 'autofill/business.lookup' : 'autofill/citizen.lookup',
        purpose: b.purpose,
        maTTHCFallback: b.MaTTHC,
        ...(subject ? { subject } : {}),
        problems,
        call: async (p) => {
          const at = new Date().toISOString();
          let filled: Omit<AutofillResult, 'warnings'> | null;
          if (isBusiness) {
            const biz = await deps.dkkd.business(applicant.taxCode as string);
            filled = biz ? fillFromBusiness(biz, contact, deps.licences(), at) : null;
          } else {
            const c = await deps.csdl.lookup(personQuery(applicant), callerOf(p));
            filled = c ? fillFromCitizen(c, contact, deps.licences(), at) : null;
          }
          if (!filled) return { value: null, outcome: 'not-found', fields: [] };
          // Checked before the look-up is recorded: a registry value the standard refuses (too long, wrong
          // shape) must not pre-fill the form, and the audit row must then say nothing was delivered (an
          // error with this code), not `found` with fields the caller never received.
          const purpose = b.purpose as { MaHoSo: string; MaTTHC?: string };
          checked = validateApplicantFields(filled.fields, purpose.MaHoSo, (purpose.MaTTHC ?? b.MaTTHC) as string);
          if (checked.errors.length > 0)
            throw new HubError(
              'LT_CITIZEN_AUTOFILL_INVALID',
              'the registry data does not fit the DongBoHoSoMC applicant fields',
              {
                kind: 'upstream',
                messageVi: 'Dữ liệu từ CSDL quốc gia không phù hợp với các trường người nộp của DongBoHoSoMC',
                details: checked.errors,
              },
            );
          return {
            value: filled,
            outcome: 'found',
            fields: [...Object.keys(filled.fields), ...Object.keys(filled.eForm).map((k) => `eForm.${k}`)],
          };
        },
      });
      if (!r.value || !checked) throw notFound();
      const warnings = [...checked.warnings];
      if (isBusiness) {
        const status = (r.value.eForm.TinhTrang as string | undefined) ?? '';
        if (status && !/đang hoạt động/i.test(status)) {
          warnings.push({
            path: '/eForm/TinhTrang',
            code: 'LT_CITIZEN_BUSINESS_NOT_ACTIVE',
            message: `Doanh nghiệp đang ở tình trạng "${status}"`,
            message_en: `the business is not active ("${status}")`,
          });
        }
      }
      return { lookupId: r.lookupId, MaTTHC: (b.purpose as { MaTTHC?: string }).MaTTHC ?? b.MaTTHC, ...r.value, warnings };
    },
  );
}
