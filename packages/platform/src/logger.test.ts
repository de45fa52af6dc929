import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { createLogger, personalDataFields } from './logger.js';

function capture() {
  const chunks: string[] = [];
  const destination = new Writable({
    write(c, _e, cb) {
      chunks.push(c.toString());
      cb();
    },
  });
  return { logger: createLogger({ name: 't', destination }), text: () => chunks.join('') };
}

describe('logger redaction of personal data', () => {
  it('redacts the national packets’ personal fields at any of the first depths', () => {
    const { logger, text } = capture();
    const secret = {
      ChuHoSo: 'Nguyễn Văn An',
      SoGiayToChuHoSo: '001090012345',
      SoDienThoai: '0912345678',
      Email: 'an@example.vn',
      DinhDanhCHS: [{ LoaiDinhDanh: '1', SoDinhDanh: '001090012345' }],
    };
    logger.info({ dossier: secret }, 'x');
    logger.info({ req: { body: { items: secret } } }, 'y');
    logger.info(secret, 'z');
    const out = text();
    for (const v of ['Nguyễn Văn An', '001090012345', '0912345678', 'an@example.vn']) expect(out).not.toContain(v);
    expect(out).toContain('[redacted]');
  });

  it('redacts credentials and the Authorization header', () => {
    const { logger, text } = capture();
    logger.info({ req: { headers: { authorization: 'Bearer lt_abc' } }, config: { password: 'p4ss', hashSecret: 'HS' } }, 'x');
    expect(text()).not.toMatch(/lt_abc|p4ss|"HS"/);
  });

  it('covers every field it declares', () => {
    const { logger, text } = capture();
    logger.info({ record: Object.fromEntries(personalDataFields.map((f) => [f, `v-${f}`])) }, 'x');
    for (const f of personalDataFields) expect(text()).not.toContain(`v-${f}`);
  });
});
