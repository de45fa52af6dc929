/**
 * @lienthong/csdl-dancu — the national population database (CSDLQGDC) over a VNPT-style LGSP: SOAP 1.1
 * envelopes, the hardened reply reader and the client the hub uses; the sandbox's simulated database
 * builds its replies with the same envelope code. Protocol notes: docs/citizen-data.md.
 */
export {
  createCsdlDanCuClient,
  type CsdlDanCuClient,
  type CsdlDanCuClientOptions,
  type CsdlCaller,
  type CsdlPersonQuery,
  type LgspCredentials,
} from './client.js';
export { CsdlError, CsdlErrorCodes, type CsdlErrorCode } from './errors.js';
export { readReply } from './reply.js';
export { congDanXml, congDanCollectionXml, readCongDan, fullName, unaccentedUpper, type CongDan } from './cong-dan.js';
export {
  SOAP_ENV_NS,
  QLDC_NS,
  DANCU_NS,
  DEFAULT_MA_TICH_HOP,
  CsdlOperations,
  buildRequestEnvelope,
  buildReplyEnvelope,
  buildFaultEnvelope,
  soapBody,
  soapFault,
  type CsdlOperation,
  type SoapFields,
} from './soap.js';
export {
  parseXml,
  XmlRefused,
  child,
  childrenNamed,
  escapeXml,
  defaultXmlLimits,
  type XmlElement,
  type XmlLimits,
} from './xml.js';
export { createTokenCache, type TokenCache, type FetchedToken } from './token-cache.js';
export { peerTransportError, type PeerErrors } from './transport-error.js';
