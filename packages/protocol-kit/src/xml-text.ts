/**
 * Text put into an XML document the hub builds (SOAP envelopes to the population database, VNPT's
 * e-receipt service, Viettel's SMS gateway): the five XML entities escaped, and the control characters
 * XML 1.0 does not allow dropped — an SMS or a citizen's name must never break an envelope or smuggle
 * markup into it. One implementation for every protocol package (conventions §12).
 */
export function xmlEscape(s: string): string {
  return (
    s
      // exactly the characters XML 1.0 forbids
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
      .replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!)
  );
}

/** A CDATA section that stays one even if the text holds `]]>` (split across two sections). */
export function cdata(s: string): string {
  return `<![CDATA[${s.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
}
