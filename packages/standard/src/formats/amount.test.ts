import { describe, expect, it } from 'vitest';
import { isAmount } from './amount.js';

describe('amounts', () => {
  it.each(['0', '150000', '999999999999999999'])('accepts %s', (v) => expect(isAmount(v)).toBe(true));
  it.each(['-1', '150.000', '150,000', '1500.5', '0150000', '', '150000đ', '1e5', '9999999999999999999'])('refuses %s', (v) =>
    expect(isAmount(v)).toBe(false),
  );
});
