import { CsdlError, CsdlErrorCodes as C } from './errors.js';
import { parseXml, XmlRefused, child, type XmlElement, type XmlLimits } from './xml.js';
import { DANCU_NS, soapBody, soapFault } from './soap.js';

/** Labels of the known error codes [code X4]; other codes pass through as LT_CSDL_PEER_ERROR. */
const KNOWN_CODES: Record<string, { code: (typeof C)[keyof typeof C]; en: string; vi: string }> = {
  '004': {
    code: C.PROCEDURE_NOT_LICENSED,
    en: 'the population database refused: the procedure is not licensed to query it (004)',
    vi: 'CSDL dân cư từ chối: thủ tục chưa được cấp quyền khai thác (004)',
  },
  '005': {
    code: C.OFFICER_NOT_PERMITTED,
    en: 'the population database refused: the officer lacks permission (005)',
    vi: 'CSDL dân cư từ chối: cán bộ không có quyền khai thác (005)',
  },
};

/** Codes meaning success: absent, empty, "0" or "000" [inf: the success form is not in the sources]. */
const SUCCESS = new Set(['', '0', '00', '000']);

/**
 * Reads a reply of the population DB into its first Body element (CongdanCollection, the verify result…),
 * turning every way a reply can be wrong into a CsdlError with a stable code: hostile XML, not XML, not a
 * SOAP 1.1 envelope, a SOAP Fault, a result in another namespace, an error code (004/005/other).
 * Never includes the reply's content in the message (it may hold personal data), only its shape.
 */
export function readReply(text: string, limits?: XmlLimits): XmlElement {
  let root: XmlElement;
  try {
    root = parseXml(text, limits);
  } catch (err) {
    if (err instanceof XmlRefused) {
      if (err.reason === 'hostile') {
        throw new CsdlError(
          C.HOSTILE_REPLY,
          `population database reply refused: ${err.message}`,
          'Phản hồi của CSDL dân cư bị từ chối: chứa khai báo DOCTYPE/ENTITY',
          { kind: 'upstream' },
        );
      }
      if (err.reason === 'too-large') {
        throw new CsdlError(
          C.REPLY_TOO_LARGE,
          `population database reply too large: ${err.message}`,
          'Phản hồi của CSDL dân cư quá lớn',
          { kind: 'upstream' },
        );
      }
      throw new CsdlError(
        C.BAD_REPLY,
        `population database reply is not XML: ${err.message}`,
        'Phản hồi của CSDL dân cư không phải XML hợp lệ',
        { kind: 'upstream' },
      );
    }
    throw err;
  }
  const b = soapBody(root);
  if ('problem' in b)
    throw new CsdlError(
      C.BAD_REPLY,
      `population database reply is not a SOAP 1.1 reply: ${b.problem}`,
      'Phản hồi của CSDL dân cư không đúng định dạng SOAP',
      { kind: 'upstream' },
    );
  const fault = soapFault(b.body);
  if (fault) {
    const server = /Server$/.test(fault.faultcode);
    throw new CsdlError(
      C.SOAP_FAULT,
      `population database answered a SOAP Fault (${fault.faultcode.slice(0, 50)})`,
      `CSDL dân cư trả về lỗi SOAP (${fault.faultcode.slice(0, 50)})`,
      {
        kind: server ? 'unavailable' : 'upstream',
        retriable: server,
        peerCode: fault.faultcode.slice(0, 50),
      },
    );
  }
  const result = b.body.children[0];
  if (!result)
    throw new CsdlError(C.BAD_REPLY, 'population database reply has an empty Body', 'Phản hồi của CSDL dân cư rỗng', {
      kind: 'upstream',
    });
  if (result.ns !== DANCU_NS) {
    throw new CsdlError(
      C.BAD_REPLY,
      `population database reply element <${result.name.slice(0, 40)}> is in namespace "${result.ns.slice(0, 100)}", expected ${DANCU_NS}`,
      'Phản hồi của CSDL dân cư sai không gian tên (namespace)',
      { kind: 'upstream' },
    );
  }
  const maLoi = child(result, 'MaLoi', DANCU_NS)?.text ?? '';
  if (!SUCCESS.has(maLoi)) {
    const known = KNOWN_CODES[maLoi];
    const peerCode = maLoi.slice(0, 20);
    if (known) throw new CsdlError(known.code, known.en, known.vi, { kind: 'forbidden', peerCode });
    throw new CsdlError(
      C.PEER_ERROR,
      `population database answered error code ${peerCode}`,
      `CSDL dân cư trả về mã lỗi ${peerCode}`,
      { kind: 'upstream', peerCode },
    );
  }
  return result;
}
