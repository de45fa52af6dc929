/**
 * @lienthong/standard — the national data standard: validators compiled once from schemas/, the tolerance
 * normalizer, format checks, code tables and bilingual error messages. See docs/standard.md.
 */
export type { ValidationIssue, ValidationResult } from './errors.js';
export { StandardErrorCode } from './errors.js';
export type * from './generated/types.js';
export type { BatchOptions } from './batch.js';
export { validateDossierBatch } from './dossier/validate-dossier-batch.js';
export { validateProgressBatch } from './progress/validate-progress-batch.js';
export { packetKinds, isPacketKind, schemaIdOfKind, validatePacket, type PacketKind } from './packet-kinds.js';
export { detectPacketKind } from './detect-packet-kind.js';
export { validateEventData } from './validate-event-data.js';
export { schemaIds, type SchemaName } from './schema-ids.js';
export { normalizeAgainst } from './normalize.js';
export { codeLabel, codeTable, codeTableNames, type CodeEntry } from './code-tables.js';
export { agencyCodeOfMaHoSo, parseMaHoSo, isMaHoSo, isUsualMaHoSo, type MaHoSoParts } from './formats/ma-ho-so.js';
export { parseMaTTHC, isMaTTHC, isUsualMaTTHC, type MaTTHCParts } from './formats/ma-tthc.js';
export { isAgencyCode, isAgencyCodeLike, isFullAgencyCode, levelOneUnitOf } from './formats/agency-code.js';
export { standardRules, ruleOf, type StandardRule, type RuleLevel } from './rule-levels.js';
export { renderRuleTable } from './rule-table.js';
export { isPersonalId, isOldId, isTaxCode } from './formats/identity-numbers.js';
export { isHttpUrl } from './formats/http-url.js';
export { isAmount } from './formats/amount.js';
export { isDateTime14, isoToDateTime14, toDateTime14 } from './formats/date-time.js';
