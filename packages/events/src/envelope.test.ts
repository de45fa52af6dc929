import { describe, expect, it } from 'vitest';
import { createEvent, decodeEvent, encodeEvent } from './envelope.js';
import { catalogueSpecs, dlqOf, topicNames } from './topics.js';

describe('CloudEvents envelope', () => {
  const e = createEvent({
    source: 'urn:lienthong:gateway',
    type: 'vn.lienthong.dossier.upserted',
    subject: 'M-1',
    dataschema: 'https://x/s.json',
    data: { a: 1 },
  });
  it('round-trips through Kafka bytes with every required attribute', () => {
    expect(decodeEvent(encodeEvent(e))).toEqual(e);
    expect(e).toMatchObject({ specversion: '1.0', datacontenttype: 'application/json' });
    expect(new Date(e.time).toISOString()).toBe(e.time);
  });
  it.each([
    ['null', null],
    ['empty', Buffer.alloc(0)],
    ['not JSON', Buffer.from('{"specversion":')],
    ['binary', Buffer.from([0xff, 0xfe, 0x00, 0x01])],
    ['wrong specversion', JSON.stringify({ ...e, specversion: '0.3' })],
    ['missing subject', JSON.stringify({ ...e, subject: undefined })],
    ['bad type', JSON.stringify({ ...e, type: 'dossier' })],
    ['bad source', JSON.stringify({ ...e, source: 'http://evil' })],
    ['huge id', JSON.stringify({ ...e, id: 'x'.repeat(10_000) })],
    ['array', '[1,2]'],
  ])('refuses a %s record as LT_EVENT_MALFORMED (non-retriable)', (_n, value) => {
    expect(() => decodeEvent(value as Buffer | string | null)).toThrowError(
      expect.objectContaining({ code: 'LT_EVENT_MALFORMED', retriable: false }),
    );
  });
});

describe('topic catalogue', () => {
  it('names every topic of the design and a dead-letter twin for each, under a namespace', () => {
    // The design's topics; services add theirs (deadlines, postal, inbound…) to the same catalogue.
    const names = Object.values(topicNames());
    expect(names).toEqual(
      expect.arrayContaining(['dossier.events.v1', 'payment.events.v1', 'sync.outcomes.v1', 'citizen.audit.v1']),
    );
    for (const n of names) expect(n).toMatch(/^[a-z]+(\.[a-z]+)*\.v\d+$/);
    const specs = catalogueSpecs('t-1.');
    for (const n of names) expect(specs.map((s) => s.name)).toEqual(expect.arrayContaining([`t-1.${n}`, dlqOf(`t-1.${n}`)]));
    expect(specs).toHaveLength(2 * names.length);
    for (const s of specs) expect(s.partitions).toBeGreaterThan(0);
  });
});
