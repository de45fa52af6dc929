import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { agencyTemplates, checkTemplates, render, type TemplatesFile } from './templates.js';

const accounts = { zalo: new Set(['oa-sandbox']), sms: new Set(['viettel-sandbox']) };
const sandbox = JSON.parse(readFileSync(new URL('../config/templates.sandbox.json', import.meta.url), 'utf8')) as TemplatesFile;

describe('templates file', () => {
  it('the shipped sandbox file is valid', () => {
    expect(checkTemplates(sandbox, accounts)).toEqual([]);
  });

  it('lists every problem with its path: unknown kind, unknown placeholder, unbalanced brace, missing account', () => {
    const bad = {
      agencies: {
        '000.00.01.H22': {
          dailyQuota: 10,
          zaloOa: 'oa-missing',
          events: {
            'dossier.received': { zalo: { templateId: '1', data: { ma: '{MaHoSo} {SoCCCD}' } }, sms: { text: 'Hồ sơ {MaHoSo' } },
          },
        },
      },
    };
    const problems = checkTemplates(bad, accounts);
    expect(problems.map((p) => [p.path, p.message_en])).toEqual([
      ['/agencies/000.00.01.H22/zaloOa', 'Zalo OA oa-missing is not in the providers file'],
      ['/agencies/000.00.01.H22/events/dossier.received/sms', 'an SMS template needs smsAccount on the agency'],
      ['/agencies/000.00.01.H22/events/dossier.received/zalo/data/ma', 'unknown placeholder {SoCCCD}'],
      ['/agencies/000.00.01.H22/events/dossier.received/sms/text', 'unbalanced { or }'],
    ]);
    // The overdue event carries no new date: a template reading one would tell the citizen an empty date.
    const newDate = checkTemplates(
      {
        agencies: {
          '*.H22': {
            dailyQuota: 1,
            smsAccount: 'viettel-sandbox',
            events: {
              'dossier.overdue': { sms: { text: 'Hồ sơ {MaHoSo} trễ hẹn. Ngày hẹn mới: {NgayHenTraMoi}' } },
              'dossier.apology-issued': { sms: { text: 'Ngày hẹn mới: {NgayHenTraMoi}' } },
            },
          },
        },
      },
      accounts,
    );
    expect(newDate.map((p) => [p.path, p.message_en])).toEqual([
      [
        '/agencies/*.H22/events/dossier.overdue/sms/text',
        '{NgayHenTraMoi} is filled only for dossier.apology-issued: it would always be empty here',
      ],
    ]);
    const schema = checkTemplates({ agencies: { X: { dailyQuota: -1, events: { 'dossier.deleted': {} } } } }, accounts);
    expect(schema.length).toBeGreaterThan(0);
    expect(checkTemplates('not an object', accounts)).not.toEqual([]);
  });

  it('an exact agency code wins over the longest matching *.suffix; an agency without an entry gets none', () => {
    const f = {
      agencies: { '*.H22': { dailyQuota: 1, events: {} }, '000.00.01.H22': { dailyQuota: 2, events: {} } },
    } as TemplatesFile;
    expect(agencyTemplates(f, '000.00.01.H22')?.dailyQuota).toBe(2);
    expect(agencyTemplates(f, '000.00.02.H22')?.dailyQuota).toBe(1);
    expect(agencyTemplates(f, '000.00.01.H23')).toBeUndefined();
  });

  it('renders placeholders keeping Vietnamese as written; a missing value is empty', () => {
    expect(render('Ông/Bà {ChuHoSo}: hồ sơ {MaHoSo} — {NgayHenTraMoi}.', { ChuHoSo: 'Đặng Thị Ngọc Ánh', MaHoSo: 'H22-1' })).toBe(
      'Ông/Bà Đặng Thị Ngọc Ánh: hồ sơ H22-1 — .',
    );
  });
});
