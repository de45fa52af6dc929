// XML text escaping is shared by every protocol package (packages/protocol-kit xml-text.ts).
export { cdata, xmlEscape } from '@lienthong/protocol-kit';
