import { describe, expect, it } from 'vitest';
import { classifyAnswer, maHoSoNamedIn } from './classify.js';
import type { DvcqgError } from './errors.js';

const items = [{ MaHoSo: 'H99-250702-0001' }, { MaHoSo: 'H99-250702-00012' }];

describe('maHoSoNamedIn', () => {
  it('finds the dossier a message names, as a whole code', () => {
    expect(maHoSoNamedIn('Hồ sơ H99-250702-00012 bị từ chối', items)).toBe('H99-250702-00012');
    expect(maHoSoNamedIn('H99-250702-0001| trùng', items)).toBe('H99-250702-0001');
    expect(maHoSoNamedIn('Hồ sơ H99-250702-0001.', items)).toBe('H99-250702-0001');
    expect(maHoSoNamedIn('Lỗi hệ thống', items)).toBeUndefined();
    expect(maHoSoNamedIn('X.H99-250702-0001', items)).toBeUndefined();
  });
});

describe('classifyAnswer', () => {
  const env = (code: string, message: string) => ({ code, message, result: undefined, body: {} });
  const thrown = (f: () => unknown) => {
    try {
      f();
    } catch (err) {
      return err as DvcqgError;
    }
    throw new Error('expected a throw');
  };

  it('"đã tồn tại" is ALREADY_EXISTS only for a create; a success code with it too [T2]', () => {
    expect(thrown(() => classifyAnswer('DongBoHoSoMC', env('0', 'Hồ sơ H99-250702-0001 đã tồn tại'), items, true)).code).toBe(
      'LT_DVCQG_ALREADY_EXISTS',
    );
    expect(classifyAnswer('DongBoHoSoMC', env('0', 'Hồ sơ đã tồn tại'), items, false).code).toBe('0');
    expect(thrown(() => classifyAnswer('DongBoHoSoMC', env('-3', 'đã tồn tại'), items, false)).code).toBe('LT_DVCQG_REJECTED');
  });

  it('any other code is a permanent rejection carrying the portal words', () => {
    const e = thrown(() => classifyAnswer('CapNhatTienDoHoSoMC', env('-1', 'Hồ sơ H99-250702-0001 bị từ chối'), items, false));
    expect(e).toMatchObject({
      code: 'LT_DVCQG_REJECTED',
      retriable: false,
      portalCode: '-1',
      maHoSo: 'H99-250702-0001',
      service: 'CapNhatTienDoHoSoMC',
    });
  });
});
