import { describe, expect, it } from 'vitest';
import { describeConfig, loadConfig, type ConfigSchema } from './config.js';

const schema: ConfigSchema = {
  type: 'object',
  required: ['TOKEN'],
  properties: {
    PORT: { type: 'integer', default: 8080, minimum: 1, maximum: 65535, description: 'port' },
    MODE: { type: 'string', default: 'a', enum: ['a', 'b'], description: 'mode' },
    TOKEN: { type: 'string', minLength: 4, secret: true, description: 'secret' },
    FLAG: { type: 'boolean', default: false, description: 'flag' },
  },
};

describe('config loading', () => {
  it('applies defaults, coerces types and freezes', () => {
    const c = loadConfig(schema, { TOKEN: 'abcd', FLAG: 'true', OTHER: 'x' });
    expect(c).toEqual({ PORT: 8080, MODE: 'a', TOKEN: 'abcd', FLAG: true });
    expect(Object.isFrozen(c)).toBe(true);
  });
  it('lists every problem at once', () => {
    let msg = '';
    try {
      loadConfig(schema, { PORT: '70000', MODE: 'c' });
    } catch (err) {
      msg = (err as Error).message;
    }
    expect(msg).toMatch(/PORT/);
    expect(msg).toMatch(/MODE/);
    expect(msg).toMatch(/TOKEN/);
  });
  it('masks secrets when described', () => {
    const c = loadConfig(schema, { TOKEN: 'abcd' });
    expect(describeConfig(schema, c)).toMatchObject({ TOKEN: '[secret]', PORT: 8080 });
  });
  it('refuses a schema giving a secret a default', () => {
    expect(() =>
      loadConfig({ type: 'object', properties: { S: { type: 'string', secret: true, default: 'x', description: 's' } } }, {}),
    ).toThrow(/secret S/);
  });
});
