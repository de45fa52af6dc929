import { describe, expect, it } from 'vitest';
import { deadLetterAgency } from './event-index.js';

/** A dead letter's agency comes from its own content; anything that is not an agency code gives none. */
describe('deadLetterAgency', () => {
  it.each([
    [{}, '000.00.01.H22-251123-0001', '000.00.01.H22'],
    [{ agencyCode: '000.00.01.H10' }, '000.00.01.H22-251123-0001', '000.00.01.H22'],
    [{ agencyCode: '000.00.01.H10' }, '0b8e5b6e-7f2a-4a43-9e53-2b2f0c1d9a10', '000.00.01.H10'],
    [{}, '0b8e5b6e-7f2a-4a43-9e53-2b2f0c1d9a10', null],
    [{ agency: 'H56.14' }, 'HOIDAP-123', 'H56.14'],
    [{}, 'HOIDAP-123', null],
    [{ agencyCode: '*' }, null, null],
    [{ agencyCode: "000.00.01.H22' OR 1=1" }, null, null],
    [{ agencyCode: 42, agency: ['000.00.01.H22'] }, null, null],
    [{}, null, null],
    [{}, '', null],
    [{}, `${'9'.repeat(5000)}-251123-0001`, null],
  ])('%j with key or MaHoSo %j → %j', (data, maHoSo, agency) => {
    expect(deadLetterAgency(data as Record<string, unknown>, maHoSo)).toBe(agency);
  });
});
