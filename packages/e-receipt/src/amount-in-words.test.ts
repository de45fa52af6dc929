import { describe, expect, it } from 'vitest';
import { amountInWords } from './amount-in-words.js';
import { parseImportResult, vnptInvoiceXml } from './vnpt.js';
import { cdata } from './xml.js';

describe('receipt helpers', () => {
  it('writes amounts in Vietnamese words', () => {
    expect(amountInWords(150_000)).toBe('Một trăm năm mươi nghìn đồng');
    expect(amountInWords(1_005_000)).toBe('Một triệu không trăm lẻ năm nghìn đồng');
    expect(amountInWords(21_000)).toBe('Hai mươi mốt nghìn đồng');
    expect(amountInWords(15)).toBe('Mười lăm đồng');
    expect(amountInWords(0)).toBe('Không đồng');
    expect(() => amountInWords(-1)).toThrow();
  });
  it('parses VNPT results: OK with number, ERR codes with their meaning', () => {
    expect(parseImportResult('OK:1/001;C26TLT-pay123_45')).toEqual({
      ok: true,
      pattern: '1/001',
      serial: 'C26TLT',
      number: '45',
    });
    expect(parseImportResult('ERR:13')).toMatchObject({
      ok: false,
      code: 'ERR:13',
      duplicateKey: true,
      messageVi: 'Trùng khóa (fkey) đã phát hành',
    });
    expect(parseImportResult('ERR:20')).toMatchObject({ ok: false, code: 'ERR:20', retriable: false });
    expect(parseImportResult(undefined)).toMatchObject({ ok: false, retriable: true });
  });
  it('keeps hostile payer text inside the CDATA document', () => {
    const xml = vnptInvoiceXml({
      key: 'k1',
      maHoSo: 'H22-1',
      payerName: 'A ]]></xmlInvData><username>x',
      issuedAt: new Date('2026-12-05T03:00:00Z'),
      paymentMethod: 'CK',
      lines: [{ code: '1.0001', name: 'Lệ phí', amount: 50_000 }],
      total: 50_000,
    });
    expect(xml).toContain('<CusName>A ]]&gt;&lt;/xmlInvData&gt;&lt;username&gt;x</CusName>');
    expect(cdata('a]]>b')).toBe('<![CDATA[a]]]]><![CDATA[>b]]>');
  });
});
