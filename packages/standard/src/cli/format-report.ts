/**
 * Human-readable report of the CLI: one line per file, then each error and each warning with its path, code and
 * both messages. Warnings (inferred rules) never make a file fail.
 */
import type { FileReport } from './check-file.js';

/** Renders the reports for a terminal. */
export function formatReport(reports: readonly FileReport[]): string {
  const lines: string[] = [];
  for (const r of reports) {
    const warned = r.valid && r.warnings.length > 0;
    lines.push(`${r.valid ? (warned ? 'WARN' : 'PASS') : 'FAIL'}  ${r.file}  (${r.kind ?? 'unknown'})`);
    for (const [level, list] of [
      ['error', r.errors],
      ['warning', r.warnings],
    ] as const) {
      for (const e of list) {
        lines.push(`      ${level}  ${e.path === '' ? '(root)' : e.path}  ${e.code}`);
        lines.push(`        vi: ${e.message}`);
        lines.push(`        en: ${e.message_en}`);
      }
    }
  }
  const failed = reports.filter((r) => !r.valid).length;
  const issues = reports.reduce((n, r) => n + r.errors.length, 0);
  const warnings = reports.reduce((n, r) => n + r.warnings.length, 0);
  lines.push('');
  lines.push(
    `${reports.length} file(s) checked: ${reports.length - failed} passed, ${failed} failed, ${issues} error(s), ${warnings} warning(s).`,
  );
  return lines.join('\n') + '\n';
}
