/**
 * Every workspace declares the packages its own code imports (issue 17 §5): a service deployed or built on
 * its own (a Docker layer per service, `npm ci --workspace`) must not depend on what the root happens to
 * hoist. Reads each workspace's src/, bin/ and scripts/ (tests excluded) for bare import specifiers and
 * compares them with its package.json (dependencies, peerDependencies, devDependencies for scripts/).
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const builtins = new Set(builtinModules);

function files(dir: string, out: string[] = []): string[] {
  for (const f of readdirSync(dir)) {
    const p = path.join(dir, f);
    if (statSync(p).isDirectory()) {
      if (f !== 'node_modules' && f !== 'dist') files(p, out);
    } else if (/\.(ts|mts|mjs|js)$/.test(f) && !/\.test\.ts$|\.d\.ts$/.test(f)) out.push(p);
  }
  return out;
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const names: string[] = [];
  for (const m of text.matchAll(
    /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g,
  )) {
    const spec = m[1] ?? m[2]!;
    if (spec.startsWith('.') || spec.startsWith('/') || spec.startsWith('node:')) continue;
    const parts = spec.split('/');
    const name = spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
    if (!builtins.has(name)) names.push(name);
  }
  return names;
}

const workspaces = ['packages', 'services']
  .flatMap((d) => readdirSync(path.join(root, d)).map((x) => path.join(d, x)))
  .filter((d) => {
    try {
      return statSync(path.join(root, d, 'package.json')).isFile();
    } catch {
      return false;
    }
  });

describe('workspace dependencies', () => {
  it.each(workspaces)('%s declares every package its code imports', (ws) => {
    const pkg = JSON.parse(readFileSync(path.join(root, ws, 'package.json'), 'utf8')) as {
      name: string;
      dependencies?: Record<string, string>;
      peerDependencies?: Record<string, string>;
      devDependencies?: Record<string, string>;
    };
    const runtime = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})]);
    const missing = new Set<string>();
    for (const sub of ['src', 'bin', 'scripts']) {
      const dir = path.join(root, ws, sub);
      try {
        if (!statSync(dir).isDirectory()) continue;
      } catch {
        continue;
      }
      for (const f of files(dir))
        for (const name of importsOf(f)) {
          if (name === pkg.name) continue;
          const declared = runtime.has(name) || (sub === 'scripts' && Object.hasOwn(pkg.devDependencies ?? {}, name));
          if (!declared) missing.add(`${name} (${path.relative(path.join(root, ws), f)})`);
        }
    }
    expect([...missing]).toEqual([]);
  });
});
