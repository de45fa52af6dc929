// Shared by the install-time kafkajs patches (infra/patches/kafkajs-*.mjs): finds a file of the installed
// kafkajs, applies [original, patched] text edits once (a mark line says it is done), and fails loudly when
// the code to patch is not there — a kafkajs release that changed it must not run unpatched unknowingly.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * @param {{ file: string, mark: string, edits: [string, string][], what: string, script: string }} patch
 *   file: path inside the kafkajs package; mark: a line the patched text contains; what: the patch's name in
 *   messages; script: the patch script to update when kafkajs changed.
 */
export function applyKafkajsPatch({ file, mark, edits, what, script }) {
  let found;
  try {
    const require = createRequire(path.join(process.cwd(), 'package.json'));
    const pkg = require.resolve('kafkajs/package.json');
    found = { file: path.join(path.dirname(pkg), file), version: JSON.parse(readFileSync(pkg, 'utf8')).version };
  } catch {
    found = undefined;
  }
  if (!found || !existsSync(found.file)) {
    console.log('[patch] kafkajs not installed here; nothing to patch');
    return;
  }
  let text = readFileSync(found.file, 'utf8');
  if (text.includes(mark)) {
    console.log(`[patch] kafkajs ${found.version} ${what} already patched`);
    return;
  }
  for (const [original, patched] of edits) {
    if (text.split(original).length !== 2) {
      console.error(
        `[patch] kafkajs ${found.version}: the ${what} code to patch was not found in ${found.file}; check upstream and update ${script}`,
      );
      process.exit(1);
    }
    text = text.replace(original, patched);
  }
  writeFileSync(found.file, text);
  console.log(`[patch] kafkajs ${found.version} ${what} patched`);
}
