/**
 * The overview's deadlines row against a real service that answers /health/ready and /metrics but exports
 * no deadline counters (another console stands in for an operations of an older version): the row says what
 * is missing instead of showing figures of something else (it used to fall back to HTTP request counts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey } from '@lienthong/platform';
import { createTestDatabase, eventually } from '../../../tests/helpers/index.js';
import { startConsole, TestBrowser, type TestConsole } from './harness.js';

const key = generateApiKey();

describe('overview: a flow whose service lacks its counters', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let peer: TestConsole;
  let c: TestConsole;

  beforeAll(async () => {
    db = await createTestDatabase();
    peer = await startConsole({ databaseUrl: db.url, operators: [{ id: 'x', key, roles: ['viewer'] }] });
    const peerUrl = await peer.listen();
    c = await startConsole({
      databaseUrl: db.url,
      operators: [{ id: 'vien', key, roles: ['viewer'] }],
      urls: { operations: peerUrl },
      scrapeIntervalMs: 200,
    });
  });
  afterAll(async () => {
    await c?.close();
    await peer?.close();
    await db?.drop();
  });

  it('says operations does not export deadline_transitions_total, with no figures', async () => {
    const b = new TestBrowser(c.app);
    await b.signIn(key);
    const deadlinesRow = async () => /<tr data-flow="deadlines">[\s\S]*?<\/tr>/.exec((await b.get('/')).body)?.[0] ?? '';
    const row = await eventually(
      async () => {
        const r = await deadlinesRow();
        return r.includes('chưa xuất chỉ số') ? r : undefined;
      },
      { what: 'the deadlines row scraped', timeoutMs: 20_000, intervalMs: 200 },
    );
    expect(row).toContain('operations chưa xuất chỉ số deadline_transitions_total');
    expect(row).not.toContain('data-testid="rate-deadlines"');
    // The service itself answered: its health shows.
    expect((await b.get('/')).body).toMatch(/<th scope="row">operations<\/th><td><span class="badge ready">/);
  });
});
