/**
 * lienthong-validate: the conformance checker for provincial vendors (issue 3 §6). Exit code 0 when every file
 * passes, 1 when any fails, 2 for a usage error, so it fits a vendor's CI.
 */
import { readFile } from 'node:fs/promises';
import { packetKinds } from '../packet-kinds.js';
import { renderRuleTable } from '../rule-table.js';
import { checkText, type FileReport } from './check-file.js';
import { collectFiles } from './collect-files.js';
import { formatReport } from './format-report.js';

/** Where the CLI reads and writes; injected so tests run it in-process. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  readStdin: () => Promise<string>;
}

const USAGE = `Usage: lienthong-validate [--json] [--kind <kind>] <file|folder|->...
Checks packet files against the national data standard (docs/standard.md).
  <file>       a JSON file holding one packet, or an array of items for batch kinds
  <folder>     every *.json file under it
  -            read one packet from stdin
  --json       print {ok, files: [{file, valid, kind, errors, warnings}], summary} instead of text
  --kind <k>   force the packet kind instead of detecting it
  --list-kinds print the packet kinds and exit
  --rules      print every rule with its level (refuses or warns) and source, as in docs/standard.md, and exit
Exit code: 0 all valid (warnings included: a WARN file passes), 1 something invalid, 2 usage error.
`;

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let json = false;
  let kind: string | undefined;
  const operands: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--json') json = true;
    else if (a === '--kind') kind = argv[++i];
    else if (a.startsWith('--kind=')) kind = a.slice('--kind='.length);
    else if (a === '--help' || a === '-h') {
      io.stdout(USAGE);
      return 0;
    } else if (a === '--list-kinds') {
      io.stdout(packetKinds.join('\n') + '\n');
      return 0;
    } else if (a === '--rules') {
      io.stdout(renderRuleTable() + '\n');
      return 0;
    } else if (a.startsWith('--')) {
      io.stderr(`unknown option ${a}\n${USAGE}`);
      return 2;
    } else operands.push(a);
  }
  if (operands.length === 0 || (argv.includes('--kind') && !kind)) {
    io.stderr(USAGE);
    return 2;
  }
  let files: string[];
  try {
    files = await collectFiles(operands);
  } catch (err) {
    io.stderr(`${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
  const reports: FileReport[] = [];
  for (const f of files) {
    const text = f === '-' ? await io.readStdin() : await readFile(f, 'utf8');
    reports.push(checkText(f === '-' ? '(stdin)' : f, text, kind));
  }
  const ok = reports.every((r) => r.valid);
  if (json) {
    const failed = reports.filter((r) => !r.valid).length;
    const warnings = reports.reduce((n, r) => n + r.warnings.length, 0);
    io.stdout(
      JSON.stringify(
        { ok, files: reports, summary: { checked: reports.length, passed: reports.length - failed, failed, warnings } },
        null,
        2,
      ) + '\n',
    );
  } else {
    io.stdout(formatReport(reports));
  }
  return ok ? 0 : 1;
}
