import { XMLParser, XMLValidator } from 'fast-xml-parser';

/**
 * Safe XML for replies from outside (population DB, SOAP peers): one parse into a namespace-resolved tree.
 *
 * Hardening, in order:
 * 1. size: callers cap the reply while it streams (axios maxContentLength); `maxChars` here is a second
 *    fence for text that arrived by another route;
 * 2. DOCTYPE and ENTITY declarations are refused outright, before any parser sees them: no external entity
 *    can be fetched or read (XXE) and no entity can expand (billion laughs). SOAP 1.1 forbids a DTD in a
 *    message anyway (SOAP 1.1 §3), so nothing legitimate is lost;
 * 3. fast-xml-parser then runs with HTML entities off and only the five predefined XML entities decoded;
 *    it never resolves anything external;
 * 4. depth and element count are bounded while the tree is built.
 */
export interface XmlElement {
  /** Namespace URI ('' when none). */
  ns: string;
  /** Local name (no prefix). */
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** Concatenated text content of this element (not its children). */
  text: string;
}

export class XmlRefused extends Error {
  constructor(
    readonly reason: 'hostile' | 'malformed' | 'too-large',
    message: string,
  ) {
    super(message);
    this.name = 'XmlRefused';
  }
}

export interface XmlLimits {
  maxChars: number;
  maxDepth: number;
  maxElements: number;
}
export const defaultXmlLimits: XmlLimits = { maxChars: 2 * 1024 * 1024, maxDepth: 32, maxElements: 50_000 };

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  commentPropName: false,
});

const DECLARATION = /<!\s*(DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)/i;

type Node = Record<string, unknown>;

/** Parses `text` into a tree with namespaces resolved; throws XmlRefused with the reason. */
export function parseXml(text: string, limits: XmlLimits = defaultXmlLimits): XmlElement {
  if (text.length > limits.maxChars)
    throw new XmlRefused('too-large', `XML of ${text.length} characters exceeds ${limits.maxChars}`);
  // An HTML error page (a proxy's, an application server's) is not hostile, just not what we asked for.
  if (/^\s*(<\?xml[^>]*>\s*)?<!DOCTYPE\s+html\s*>/i.test(text.slice(0, 200)) && !/<!\s*ENTITY/i.test(text)) {
    throw new XmlRefused('malformed', 'an HTML page, not XML');
  }
  if (DECLARATION.test(text)) throw new XmlRefused('hostile', 'XML with a DOCTYPE or entity declaration is refused');
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new XmlRefused('malformed', `XML is not well-formed: ${valid.err.msg} (line ${valid.err.line})`);
  let nodes: Node[];
  try {
    nodes = parser.parse(text) as Node[];
  } catch (err) {
    throw new XmlRefused('malformed', `XML could not be parsed: ${(err as Error).message}`);
  }
  const roots = nodes.filter((n) => elementName(n) !== undefined);
  if (roots.length !== 1) throw new XmlRefused('malformed', `XML must have exactly one root element, found ${roots.length}`);
  let count = 0;
  const build = (n: Node, scope: Map<string, string>, depth: number): XmlElement => {
    if (depth > limits.maxDepth) throw new XmlRefused('malformed', `XML nested deeper than ${limits.maxDepth}`);
    if (++count > limits.maxElements) throw new XmlRefused('too-large', `XML has more than ${limits.maxElements} elements`);
    const qname = elementName(n)!;
    const rawAttrs = (n[':@'] ?? {}) as Record<string, string>;
    let local = scope;
    const attrs: Record<string, string> = {};
    for (const [k, v] of Object.entries(rawAttrs)) {
      if (k === 'xmlns' || k.startsWith('xmlns:')) {
        if (local === scope) local = new Map(scope);
        local.set(k === 'xmlns' ? '' : k.slice(6), String(v));
      } else attrs[k] = String(v);
    }
    const colon = qname.indexOf(':');
    const prefix = colon >= 0 ? qname.slice(0, colon) : '';
    const name = colon >= 0 ? qname.slice(colon + 1) : qname;
    const ns = local.get(prefix);
    if (ns === undefined && prefix !== '')
      throw new XmlRefused('malformed', `undeclared namespace prefix ${prefix.slice(0, 20)}`);
    const children: XmlElement[] = [];
    let text = '';
    for (const c of (n[qname] ?? []) as Node[]) {
      if ('#text' in c) text += String(c['#text']);
      else if (elementName(c) !== undefined) children.push(build(c, local, depth + 1));
    }
    return { ns: ns ?? '', name, attrs, children, text };
  };
  return build(roots[0]!, new Map([['xml', 'http://www.w3.org/XML/1998/namespace']]), 0);
}

function elementName(n: Node): string | undefined {
  for (const k of Object.keys(n)) if (k !== ':@' && k !== '#text' && !k.startsWith('?')) return k;
  return undefined;
}

/** The first child with this local name (any namespace unless `ns` is given). */
export function child(el: XmlElement | undefined, name: string, ns?: string): XmlElement | undefined {
  return el?.children.find((c) => c.name === name && (ns === undefined || c.ns === ns));
}

/** Every child with this local name. */
export function childrenNamed(el: XmlElement | undefined, name: string): XmlElement[] {
  return el ? el.children.filter((c) => c.name === name) : [];
}

/** Escapes text for element content and attribute values. */
/** Text for the SOAP envelopes: one escaping for every protocol package (packages/protocol-kit). */
export { xmlEscape as escapeXml } from '@lienthong/protocol-kit';
