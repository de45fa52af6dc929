import { describe, expect, it } from 'vitest';
import { DvcqgError, DvcqgErrorCodes } from '@lienthong/dvcqg';
import { CircuitOpenError, HttpStatusError, HubError } from '@lienthong/platform';
import { classifyFailure } from './portal.js';

describe('portal failure classification', () => {
  it('keeps the portal verdicts apart from transient trouble', () => {
    const rejected = classifyFailure(
      new DvcqgError(DvcqgErrorCodes.REJECTED, 'x', {
        retriable: false,
        portalCode: '-1',
        portalMessage: 'Hồ sơ A bị từ chối',
        maHoSo: 'A',
      }),
    );
    expect(rejected).toMatchObject({
      kind: 'rejected',
      portalCode: '-1',
      portalMessage: 'Hồ sơ A bị từ chối',
      maHoSo: 'A',
      countsForBreaker: false,
    });
    expect(classifyFailure(new DvcqgError(DvcqgErrorCodes.ALREADY_EXISTS, 'x', { retriable: false }))).toMatchObject({
      kind: 'exists',
    });
    expect(classifyFailure(new HttpStatusError('dvcqg', 400, ''))).toMatchObject({ kind: 'rejected' });
  });

  it('retries everything else, and only retriable errors count for the breaker', () => {
    expect(classifyFailure(new HttpStatusError('dvcqg', 503, ''))).toMatchObject({ kind: 'transient', countsForBreaker: true });
    expect(classifyFailure(new DvcqgError(DvcqgErrorCodes.BAD_RESPONSE, 'html', { retriable: true }))).toMatchObject({
      kind: 'transient',
      countsForBreaker: true,
    });
    expect(classifyFailure(new CircuitOpenError('dvcqg', Date.now()))).toMatchObject({
      kind: 'transient',
      code: 'LT_CIRCUIT_OPEN',
    });
    // Our credentials refused: not the dossier's fault, never dead-lettered.
    expect(classifyFailure(new DvcqgError(DvcqgErrorCodes.LOGIN_FAILED, 'no', { retriable: false }))).toMatchObject({
      kind: 'transient',
      countsForBreaker: false,
    });
    expect(classifyFailure(new TypeError('bug'))).toMatchObject({ kind: 'transient', code: 'LT_SYNC_PUSH_FAILED' });
    expect(classifyFailure(new HubError('LT_HTTP_TIMEOUT', 't', { retriable: true }))).toMatchObject({
      kind: 'transient',
      countsForBreaker: true,
    });
  });
});
