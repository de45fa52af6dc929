import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createPaygovSigner } from './signer.js';
import { createPaygovQueryClient } from './query-client.js';
import { PARTNER } from '../test/fixtures.js';

const signer = createPaygovSigner(PARTNER);
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const REF = 'dvcH5614250304000120250304120607';

describe('QUERY / GET_BILL — golden vectors [T6][S5]', () => {
  it('hashes LoaiBanTin|PhienBan|MaDoiTac|MaThamChieu|ThoiGianGD|secret', () => {
    const q = signer.buildQuery({ maThamChieu: REF, thoiGianGD: '20250304120607' });
    expect(q).toEqual({
      LoaiBanTin: 'QUERY',
      PhienBan: '1.0.6',
      MaDoiTac: PARTNER.maDoiTac,
      MaThamChieu: REF,
      ThoiGianGD: '20250304120607',
      MaXacThuc: sha(`QUERY|1.0.6|${PARTNER.maDoiTac}|${REF}|20250304120607|${PARTNER.secret}`),
    });
    const b = signer.buildGetBill({ maThamChieu: REF, thoiGianGD: new Date('2025-03-04T05:06:07Z') });
    expect(b.MaXacThuc).toBe(sha(`GET_BILL|1.0.6|${PARTNER.maDoiTac}|${REF}|20250304120607|${PARTNER.secret}`));
    expect(() => signer.buildQuery({ maThamChieu: REF, thoiGianGD: '2025' })).toThrow(/thoiGianGD/);
  });
});

/** A QUERY answer signed with the (inferred) confirm chain. */
function answer(over: Record<string, unknown> = {}): Record<string, unknown> {
  const a: Record<string, unknown> = {
    LoaiBanTin: 'QUERY',
    MaLoi: '00',
    MoTaLoi: '',
    MaDoiTac: PARTNER.maDoiTac,
    MaThamChieu: REF,
    SoTien: 120000,
    MaTienTe: 'VND',
    MaGiaoDich: 'PG1',
    MaNganHang: 'VCB',
    ThoiGianGD: '20250304121530',
    ThongTinGiaoDich: 'x',
    TrangThaiGD: '1',
    ...over,
  };
  const chain = [
    'LoaiBanTin',
    'MaLoi',
    'MaDoiTac',
    'MaThamChieu',
    'SoTien',
    'MaTienTe',
    'MaGiaoDich',
    'MaNganHang',
    'ThoiGianGD',
    'ThongTinGiaoDich',
  ]
    .map((k) => String(a[k] ?? ''))
    .join('|');
  return { ...a, MaXacThuc: sha(`${chain}|${PARTNER.secret}`) };
}

describe('QUERY answer', () => {
  it('maps TrangThaiGD 1/3/4 and unknown values [T ui]', () => {
    expect(signer.readQueryResponse(answer(), { maThamChieu: REF })).toMatchObject({
      kind: 'paid',
      amountVnd: 120000,
      maGiaoDich: 'PG1',
    });
    expect(signer.readQueryResponse(answer({ TrangThaiGD: '3' }), { maThamChieu: REF }).kind).toBe('pending');
    expect(signer.readQueryResponse(answer({ TrangThaiGD: '4' }), { maThamChieu: REF }).kind).toBe('failed');
    expect(signer.readQueryResponse(answer({ TrangThaiGD: '2' }), { maThamChieu: REF }).kind).toBe('needs_review');
  });

  it('never reads an unverifiable answer as unpaid', () => {
    const { MaXacThuc: _m, ...unsigned } = answer({ TrangThaiGD: '4' });
    expect(signer.readQueryResponse(unsigned, { maThamChieu: REF })).toMatchObject({
      kind: 'no_answer',
      code: 'LT_PAYGOV_SIGNATURE_MISSING',
    });
    expect(signer.readQueryResponse({ ...answer(), SoTien: 1 }, { maThamChieu: REF })).toMatchObject({
      kind: 'no_answer',
      code: 'LT_PAYGOV_SIGNATURE_MISMATCH',
    });
    expect(signer.readQueryResponse(answer(), { maThamChieu: 'other' })).toMatchObject({ code: 'LT_PAYGOV_ECHO_MISMATCH' });
    expect(signer.readQueryResponse(answer({ MaLoi: '01' }), { maThamChieu: REF })).toMatchObject({ code: 'LT_PAYGOV_REJECTED' });
    for (const h of [null, [], 'x', { ...answer(), MaLoi: ['00'] }])
      expect(signer.readQueryResponse(h, { maThamChieu: REF }).kind).toBe('no_answer');
  });

  it('queries through an injected poster', async () => {
    const client = createPaygovQueryClient({
      signer,
      queryUrl: 'http://127.0.0.1:1/paygov/query',
      post: async (_u, body) => {
        expect(body).toMatchObject({ LoaiBanTin: 'QUERY', MaThamChieu: REF });
        return answer();
      },
    });
    expect((await client.query({ maThamChieu: REF, thoiGianGD: '20250304120607' })).kind).toBe('paid');
    const down = createPaygovQueryClient({
      signer,
      queryUrl: 'http://x',
      post: async () => {
        throw new Error('down');
      },
    });
    expect(await down.query({ maThamChieu: REF, thoiGianGD: '20250304120607' })).toMatchObject({
      kind: 'no_answer',
      code: 'LT_PAYGOV_QUERY_FAILED',
    });
  });
});
