import { DvcqgError, DvcqgErrorCodes } from './errors.js';
import { isAlreadyExists, isPortalSuccess } from './portal-codes.js';
import type { PortalEnvelope } from './read-answer.js';

const codeChar = /[\p{L}\p{N}-]/u;

/** Whether `code` appears in `text` as a whole code, not as the prefix of a longer one (…-0001 in …-00012). */
function namesCode(text: string, code: string): boolean {
  for (let at = text.indexOf(code); at !== -1; at = text.indexOf(code, at + 1)) {
    const before = at > 0 ? text[at - 1]! : ' ';
    const after = text[at + code.length] ?? ' ';
    if (!codeChar.test(before) && before !== '.' && !codeChar.test(after)) return true;
  }
  return false;
}

/** The MaHoSo of `items` that the portal's message names, if any (messages look like "<MaHoSo>| …" [code S4]). */
export function maHoSoNamedIn(message: string, items: readonly object[]): string | undefined {
  for (const item of items) {
    const m = (item as { MaHoSo?: unknown }).MaHoSo;
    if (typeof m === 'string' && m.length >= 3 && namesCode(message, m)) return m;
  }
  return undefined;
}

/**
 * Maps a non-expired-session answer to success or a typed error. `creating` = DongBoHoSoMC with
 * isUpdating false: only there does "đã tồn tại" mean "send it again as an update" [code T2] — TD
 * applies the rule even to error_code "0", so a success code with that message is ALREADY_EXISTS too.
 */
export function classifyAnswer(
  service: string,
  env: PortalEnvelope,
  items: readonly object[],
  creating: boolean,
): PortalEnvelope {
  const maHoSo = maHoSoNamedIn(env.message, items);
  if (creating && isAlreadyExists(env.code, env.message)) {
    throw new DvcqgError(DvcqgErrorCodes.ALREADY_EXISTS, `DVCQG ${service}: dossier already exists (error_code ${env.code})`, {
      retriable: false,
      kind: 'conflict',
      service,
      portalCode: env.code,
      portalMessage: env.message,
      ...(maHoSo ? { maHoSo } : {}),
      messageVi: 'Hồ sơ đã tồn tại trên Cổng DVCQG',
    });
  }
  if (isPortalSuccess(env.code)) return env;
  // Every other code is a permanent refusal as far as public code shows: neither OpenCPS nor TD retries
  // a portal error [code S1, T2]; only -1 and 3/-3 were ever seen (reference §12).
  throw new DvcqgError(
    DvcqgErrorCodes.REJECTED,
    `DVCQG ${service}: rejected with error_code ${env.code}: ${env.message.slice(0, 300)}`,
    {
      retriable: false,
      kind: 'upstream',
      service,
      portalCode: env.code,
      portalMessage: env.message.slice(0, 2_000),
      ...(maHoSo ? { maHoSo } : {}),
      messageVi: `Cổng DVCQG từ chối (${env.code}): ${env.message.slice(0, 300)}`,
    },
  );
}
