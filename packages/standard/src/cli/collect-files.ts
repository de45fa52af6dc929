/** Expands the CLI's operands into the JSON files to check: files as given, folders recursively, "-" = stdin. */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Every .json file under the operands, folders expanded recursively and sorted; "-" is kept as is. */
export async function collectFiles(operands: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const op of operands) {
    if (op === '-') {
      out.push(op);
      continue;
    }
    const s = await stat(op);
    if (!s.isDirectory()) {
      out.push(op);
      continue;
    }
    const entries = await readdir(op, { recursive: true, withFileTypes: true });
    out.push(
      ...entries
        .filter((e) => e.isFile() && e.name.endsWith('.json'))
        .map((e) => join(e.parentPath, e.name))
        .sort(),
    );
  }
  return out;
}
