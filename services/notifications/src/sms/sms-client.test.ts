import { describe, expect, it } from 'vitest';
import { XMLParser } from 'fast-xml-parser';
import { unaccent, viettelEnvelope, xmlEscape } from './sms-client.js';
import { toMsisdn84 } from '../phone.js';

const account = {
  vendor: 'viettel' as const,
  url: 'http://x',
  user: 'u',
  password: 'p&<',
  cpCode: 'CP',
  brandname: 'DVC',
  contentType: '1' as const,
};

describe('Viettel wsCpMt envelope', () => {
  it('keeps hostile dossier text as text: no element injection, control characters dropped', () => {
    const hostile = 'Hồ sơ </Content><ReceiverID>84999999999</ReceiverID><![CDATA[x]]> & "q" \u0001';
    const xml = viettelEnvelope(account, { phone: '84912345678', text: hostile, requestId: '42' });
    const doc = new XMLParser({ removeNSPrefix: true, parseTagValue: false, trimValues: false }).parse(xml);
    const call = doc.Envelope.Body.wsCpMt;
    expect(call.ReceiverID).toBe('84912345678');
    expect(call.UserID).toBe('84912345678');
    expect(call.Content).toBe(hostile.replace('\u0001', '')); // the whole text, one text node
    expect(call.Password).toBe('p&<');
    expect(xmlEscape('<a>&')).toBe('&lt;a&gt;&amp;');
    expect(xml).not.toContain('\u0001');
    expect(Object.keys(call)).toEqual([
      'User',
      'Password',
      'CPCode',
      'RequestID',
      'UserID',
      'ReceiverID',
      'ServiceID',
      'CommandCode',
      'Content',
      'ContentType',
    ]);
  });
  it('unaccents for ContentType 0 brandnames', () => {
    expect(unaccent('Hồ sơ đã được tiếp nhận. Đến nhận kết quả')).toBe('Ho so da duoc tiep nhan. Den nhan ket qua');
  });
});

describe('phone numbers', () => {
  it('normalises Vietnamese mobiles to 84-form and refuses the rest', () => {
    expect(toMsisdn84('0912 345 678')).toBe('84912345678');
    expect(toMsisdn84('+84912345678')).toBe('84912345678');
    expect(toMsisdn84('84-912-345-678')).toBe('84912345678');
    expect(toMsisdn84('091234567')).toBeUndefined();
    expect(toMsisdn84('abc')).toBeUndefined();
    expect(toMsisdn84('0912345678; DROP TABLE')).toBeUndefined();
  });
});
