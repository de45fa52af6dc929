import { describe, expect, it } from 'vitest';
import { parseXml, XmlRefused } from './xml.js';
import { readReply } from './reply.js';
import { buildReplyEnvelope, DANCU_NS, SOAP_ENV_NS } from './soap.js';

const refusal = (text: string) => {
  try {
    parseXml(text, { maxChars: 10_000, maxDepth: 8, maxElements: 50 });
  } catch (err) {
    return err instanceof XmlRefused ? err.reason : 'other';
  }
  return undefined;
};

describe('safe XML', () => {
  it('refuses DOCTYPE and entity declarations in every spelling, before parsing', () => {
    expect(refusal('<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>')).toBe('hostile');
    expect(refusal('<?xml version="1.0"?>\n<!doctype r SYSTEM "http://evil/x.dtd"><r/>')).toBe('hostile');
    expect(refusal('<r><!ENTITY x "y"></r>')).toBe('hostile');
    expect(refusal('<!DOCTYPE html><html><body>x</body></html>')).toBe('malformed');
  });
  it('bounds size, depth and element count, and refuses what is not well-formed', () => {
    expect(refusal(`<r>${'a'.repeat(10_001)}</r>`)).toBe('too-large');
    expect(refusal('<a><b><c><d><e><f><g><h><i><j/></i></h></g></f></e></d></c></b></a>')).toBe('malformed');
    expect(refusal(`<r>${'<x/>'.repeat(60)}</r>`)).toBe('too-large');
    expect(refusal('<r><x></r>')).toBe('malformed');
    expect(refusal('<p:r/>')).toBe('malformed');
    expect(refusal('<a/><b/>')).toBe('malformed');
  });
  it('resolves namespaces (prefixes, defaults, redeclarations) and decodes only the predefined entities', () => {
    const el = parseXml('<s:E xmlns:s="urn:s" xmlns="urn:d"><B><x xmlns="urn:other">a &amp; b &lt;c&gt;</x></B></s:E>');
    expect(el).toMatchObject({ ns: 'urn:s', name: 'E' });
    expect(el.children[0]).toMatchObject({ ns: 'urn:d', name: 'B' });
    expect(el.children[0]!.children[0]).toMatchObject({ ns: 'urn:other', name: 'x', text: 'a & b <c>' });
  });
  it('reads a reply only from a SOAP 1.1 envelope with the result in the population-DB namespace', () => {
    expect(readReply(buildReplyEnvelope(`<CongdanCollection xmlns="${DANCU_NS}"/>`)).name).toBe('CongdanCollection');
    expect(() => readReply(`<Envelope xmlns="http://www.w3.org/2003/05/soap-envelope"><Body/></Envelope>`)).toThrow(
      /not SOAP 1.1/,
    );
    expect(() =>
      readReply(`<e:Envelope xmlns:e="${SOAP_ENV_NS}"><e:Body><CongdanCollection xmlns="urn:x"/></e:Body></e:Envelope>`),
    ).toThrow(/namespace/);
    expect(() =>
      readReply(buildReplyEnvelope(`<CongdanCollection xmlns="${DANCU_NS}"><MaLoi>004</MaLoi></CongdanCollection>`)),
    ).toThrow(expect.objectContaining({ code: 'LT_CSDL_PROCEDURE_NOT_LICENSED', peerCode: '004' }));
    expect(() =>
      readReply(buildReplyEnvelope(`<CongdanCollection xmlns="${DANCU_NS}"><MaLoi>099</MaLoi></CongdanCollection>`)),
    ).toThrow(expect.objectContaining({ code: 'LT_CSDL_PEER_ERROR', peerCode: '099' }));
  });
});
