import type { FastifyInstance } from 'fastify';
import { HubError } from '@lienthong/platform';

/**
 * `application/x-www-form-urlencoded` for the routes of one encapsulated scope only (the platform server
 * takes JSON only): VNPT Pay posts its IPN as a form whose field `data` holds the JSON [VP3]. Repeated
 * keys and more than 50 fields are refused, so a form cannot smuggle two values for one field.
 */
export function registerFormParser(scope: FastifyInstance, bodyLimit = 32 * 1024): void {
  scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit }, (_req, body, done) => {
    const out: Record<string, string> = Object.create(null) as Record<string, string>;
    let n = 0;
    for (const [k, v] of new URLSearchParams(body as string)) {
      if (++n > 50 || k in out || k.includes('\u0000') || v.includes('\u0000')) {
        done(
          new HubError('LT_INPUT_BAD_FORM', 'form body with repeated, too many or NUL-bearing fields', {
            kind: 'invalid',
            messageVi: 'Biểu mẫu không hợp lệ',
          }),
          undefined,
        );
        return;
      }
      out[k] = v;
    }
    done(null, { ...out });
  });
}
