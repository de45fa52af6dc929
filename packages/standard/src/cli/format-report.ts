/** Human-readable report of the CLI: one line per file, then each issue with its path, code and both messages. */
import type { FileReport } from './check-file.js';

/** Renders the reports for a terminal. */
export function formatReport(reports: readonly FileReport[]): string {
  const lines: string[] = [];
  for (const r of reports) {
    lines.push(`${r.valid ? 'PASS' : 'FAIL'}  ${r.file}  (${r.kind ?? 'unknown'})`);
    for (const e of r.errors) {
      lines.push(`      ${e.path === '' ? '(root)' : e.path}  ${e.code}`);
      lines.push(`        vi: ${e.message}`);
      lines.push(`        en: ${e.message_en}`);
    }
  }
  const failed = reports.filter((r) => !r.valid).length;
  const issues = reports.reduce((n, r) => n + r.errors.length, 0);
  lines.push('');
  lines.push(`${reports.length} file(s) checked: ${reports.length - failed} passed, ${failed} failed, ${issues} issue(s).`);
  return lines.join('\n') + '\n';
}
