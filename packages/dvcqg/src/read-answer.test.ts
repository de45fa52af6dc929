import { describe, expect, it } from 'vitest';
import { readAnswer } from './read-answer.js';
import type { DvcqgError } from './errors.js';

function failure(text: unknown, ct?: string): DvcqgError {
  try {
    readAnswer('DongBoHoSoMC', text, ct);
  } catch (err) {
    return err as DvcqgError;
  }
  throw new Error('expected a failure');
}

describe('readAnswer', () => {
  it('decodes the envelope, code as a string', () => {
    expect(readAnswer('X', '{"error_code":0,"message":"ok","result":[1]}', 'application/json')).toMatchObject({
      code: '0',
      message: 'ok',
      result: [1],
    });
    expect(readAnswer('X', '{"error_code":"00","message":null}', undefined)).toMatchObject({ code: '00', message: '' });
  });

  it.each([
    ['', /empty body/],
    ['   ', /empty body/],
    [
      '<html><head><title>Bảo trì</title></head></html>',
      /HTML page instead of JSON \(\d+ bytes, content-type text\/html, title "Bảo trì"\)/,
    ],
    ['{"error_code":0', /body is not JSON/],
    ['[1,2]', /not a JSON object \(array\)/],
    ['42', /not a JSON object \(number\)/],
    ['{"message":"ok"}', /no error_code/],
    ['{"error_code":{"a":1}}', /answer envelope: \/error_code/],
    ['{"error_code":true}', /answer envelope/],
    ['{"__proto__":{"x":1},"error_code":0}', /LT_INPUT_PROTO_KEY/],
    [`{"error_code":0,"result":${'['.repeat(100)}${']'.repeat(100)}}`, /LT_INPUT_TOO_DEEP/],
  ])('%j → LT_DVCQG_BAD_RESPONSE %s', (text, why) => {
    const e = failure(text, 'text/html; charset=utf-8');
    expect(e.code).toBe('LT_DVCQG_BAD_RESPONSE');
    expect(e.retriable).toBe(true);
    expect(e.message).toMatch(why);
  });

  it('never quotes the body', () => {
    const secret = 'Nguyễn Văn An 001099012345';
    expect(failure(`{"error_code": 0, "ChuHoSo": "${secret}"`).message).not.toContain(secret);
    expect(failure(`<html><body>${secret}</body></html>`).message).not.toContain(secret);
  });
});
