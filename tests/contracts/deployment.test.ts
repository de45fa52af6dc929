/**
 * The Docker deployment files (infra/docker-compose.yml, infra/docker/Dockerfile) as a production user
 * would get them (issue 17 §2): ports published on 127.0.0.1 only, the sandbox only in its profile, no
 * demo secret in the production services nor in the image. Docker itself is not run here (no engine on
 * the project's machines): these are the files' own guarantees, read as compose reads them.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const infra = fileURLToPath(new URL('../../infra/', import.meta.url));
const composeText = readFileSync(`${infra}docker-compose.yml`, 'utf8');
// `merge: true`: compose resolves YAML merge keys (<<) like this.
const compose = parse(composeText, { merge: true }) as {
  services: Record<string, { ports?: string[]; profiles?: string[]; environment?: Record<string, unknown>; volumes?: string[] }>;
};
const hubServices = Object.entries(compose.services).filter(([, s]) => !s.profiles?.includes('sandbox'));

describe('infra/docker-compose.yml', () => {
  it('is valid YAML with the hub services', () => {
    expect(Object.keys(compose.services)).toEqual(
      expect.arrayContaining(['kafka', 'postgres', 'gateway', 'national-sync', 'payments', 'sandbox']),
    );
  });

  it('publishes every port on 127.0.0.1 only', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      for (const p of s.ports ?? []) expect(p, name).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
    }
  });

  it('has the sandbox only in the sandbox profile, and no production service pointing at it', () => {
    expect(compose.services.sandbox!.profiles).toEqual(['sandbox']);
    for (const [name, s] of hubServices) {
      const text = JSON.stringify({ environment: s.environment, volumes: s.volumes });
      expect(text, name).not.toMatch(/sandbox|demo|lienthong-sandbox/i);
    }
  });

  it('runs the hub services with NODE_ENV=production unless the sandbox env file says otherwise', () => {
    for (const [name, s] of hubServices.filter(([n]) => !['kafka', 'postgres'].includes(n))) {
      expect(s.environment?.NODE_ENV, name).toBe('${NODE_ENV:-production}');
    }
    const sandboxEnv = readFileSync(`${infra}sandbox.env`, 'utf8');
    expect(sandboxEnv).toMatch(/^NODE_ENV=development$/m);
  });
});

describe('infra/docker/Dockerfile', () => {
  const dockerfile = readFileSync(`${infra}docker/Dockerfile`, 'utf8');
  it('runs in production mode and bakes no demo file in', () => {
    expect(dockerfile).toMatch(/^ENV NODE_ENV=production$/m);
    expect(dockerfile).toMatch(/rm -rf services\/\*\/demo/);
    expect(dockerfile).not.toMatch(/merchants\.sandbox|lienthong-sandbox/);
    expect(readFileSync(`${infra}docker/Dockerfile.dockerignore`, 'utf8')).toMatch(/^\*\*\/demo$/m);
  });
});
