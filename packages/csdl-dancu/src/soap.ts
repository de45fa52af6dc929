import { child, escapeXml, type XmlElement } from './xml.js';

/** SOAP 1.1 envelope namespace. */
export const SOAP_ENV_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
/** Request namespace, prefix `qldc` [code S6]. */
export const QLDC_NS = 'http://dancuquocgia.bca';
/** Namespace of the CongdanCollection reply [code T4, X5, X6]. */
export const DANCU_NS = 'http://www.mic.gov.vn/dancu/1.0';
/** "037" in both OpenCPS and TD [code S6, T4]; probably a C06 API number [inf]. */
export const DEFAULT_MA_TICH_HOP = '037';

/** The operations this project speaks (a subset of QLCDConstants [code S2]). */
export const CsdlOperations = ['TraCuuThongTinCongDan', 'XacThucThongTinCongDan', 'CungCapThongTinHoGiaDinh'] as const;
export type CsdlOperation = (typeof CsdlOperations)[number];

/** One field of a request body: a text value, or nested fields (`NgayThangNamSinh` wraps `NgayThangNam`). */
export type SoapFields = ReadonlyArray<readonly [string, string | SoapFields]>;

function fieldsXml(prefix: string, fields: SoapFields): string {
  return fields
    .map(([k, v]) => `<${prefix}:${k}>${typeof v === 'string' ? escapeXml(v) : fieldsXml(prefix, v)}</${prefix}:${k}>`)
    .join('');
}

/**
 * A request envelope: Body = `<qldc:{operation}>` with one child per field [code S6]. Whether the real
 * service wants the children prefixed is not visible in the sources [inf]: we prefix them, which is what a
 * document/literal WSDL with elementFormDefault="qualified" expects.
 */
export function buildRequestEnvelope(operation: CsdlOperation, fields: SoapFields): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<soapenv:Envelope xmlns:soapenv="${SOAP_ENV_NS}" xmlns:qldc="${QLDC_NS}">` +
    `<soapenv:Header/><soapenv:Body><qldc:${operation}>${fieldsXml('qldc', fields)}</qldc:${operation}></soapenv:Body></soapenv:Envelope>`
  );
}

/** A reply envelope whose Body holds `bodyXml` (already serialized). */
export function buildReplyEnvelope(bodyXml: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="${SOAP_ENV_NS}"><soap:Body>${bodyXml}</soap:Body></soap:Envelope>`;
}

/** A SOAP 1.1 Fault (sent with HTTP 500, SOAP 1.1 §6.2). */
export function buildFaultEnvelope(faultcode: 'soap:Client' | 'soap:Server', faultstring: string): string {
  return buildReplyEnvelope(
    `<soap:Fault><faultcode>${faultcode}</faultcode><faultstring>${escapeXml(faultstring)}</faultstring></soap:Fault>`,
  );
}

/** The Body of a SOAP 1.1 envelope, or a description of why `root` is not one. */
export function soapBody(root: XmlElement): { body: XmlElement } | { problem: string } {
  if (root.name !== 'Envelope') return { problem: `root element is <${root.name.slice(0, 40)}>, not a SOAP Envelope` };
  if (root.ns !== SOAP_ENV_NS)
    return { problem: `Envelope namespace is "${root.ns.slice(0, 100)}", not SOAP 1.1 (${SOAP_ENV_NS})` };
  const body = child(root, 'Body', SOAP_ENV_NS);
  if (!body) return { problem: 'SOAP Envelope without a Body' };
  return { body };
}

/** The Fault of a Body, if any: `{faultcode, faultstring}`. */
export function soapFault(body: XmlElement): { faultcode: string; faultstring: string } | undefined {
  const fault = child(body, 'Fault', SOAP_ENV_NS);
  if (!fault) return undefined;
  return { faultcode: child(fault, 'faultcode')?.text ?? '', faultstring: child(fault, 'faultstring')?.text ?? '' };
}
