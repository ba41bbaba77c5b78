/**
 * A minimal ordered XML tree for the XML formats (CVAT, Pascal VOC). fast-xml-parser reads;
 * the writer is ours so output is byte-stable (attribute order, indentation) for round trips.
 * Element order is preserved because CVAT interleaves shape kinds inside one <image>.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { FormatError } from './dataset';

export type XmlNode = { tag: string; attrs: Record<string, string>; children: XmlNode[]; text: string };

type OrderedEntry = Record<string, unknown> & { ':@'?: Record<string, string> };

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  // also decodes numeric character references such as the &#10; we write for newlines
  htmlEntities: true,
});

/** Parse a document and return its root element; malformed XML names the file and line. */
export function parseXml(file: string, text: string): XmlNode {
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new FormatError(file, `invalid XML at line ${valid.err.line}: ${valid.err.msg}`);
  const entries = parser.parse(text) as OrderedEntry[];
  const root = entries.map(toNode).find((node): node is XmlNode => node !== null && !node.tag.startsWith('?'));
  if (!root) throw new FormatError(file, 'no root element');
  return root;
}

function toNode(entry: OrderedEntry): XmlNode | null {
  const tag = Object.keys(entry).find((key) => key !== ':@');
  if (!tag || tag === '#text') return null;
  const content = (entry[tag] as OrderedEntry[]) ?? [];
  const children: XmlNode[] = [];
  let text = '';
  for (const child of content) {
    if ('#text' in child) text += String(child['#text']);
    else {
      const node = toNode(child);
      if (node) children.push(node);
    }
  }
  return { tag, attrs: { ...(entry[':@'] ?? {}) }, children, text };
}

export function child(node: XmlNode, tag: string): XmlNode | undefined {
  return node.children.find((c) => c.tag === tag);
}

export function children(node: XmlNode, tag: string): XmlNode[] {
  return node.children.filter((c) => c.tag === tag);
}

/** Text of a direct child element, or undefined. */
export function childText(node: XmlNode, tag: string): string | undefined {
  return child(node, tag)?.text;
}

// ---------------------------------------------------------------- writing

export function element(
  tag: string,
  attrs: Record<string, string | number | undefined> = {},
  content: XmlNode[] | string = [],
): XmlNode {
  const cleanAttrs: Record<string, string> = {};
  for (const [key, value] of Object.entries(attrs)) if (value !== undefined) cleanAttrs[key] = String(value);
  return typeof content === 'string'
    ? { tag, attrs: cleanAttrs, children: [], text: content }
    : { tag, attrs: cleanAttrs, children: content, text: '' };
}

function escapeXml(text: string, forAttribute: boolean): string {
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return forAttribute ? escaped.replace(/"/g, '&quot;').replace(/\n/g, '&#10;') : escaped;
}

export function serializeXml(root: XmlNode): string {
  const lines = ['<?xml version="1.0" encoding="utf-8"?>'];
  const write = (node: XmlNode, depth: number) => {
    const indent = '  '.repeat(depth);
    const attrs = Object.entries(node.attrs)
      .map(([key, value]) => ` ${key}="${escapeXml(value, true)}"`)
      .join('');
    if (node.children.length === 0) {
      lines.push(node.text === '' ? `${indent}<${node.tag}${attrs}/>` : `${indent}<${node.tag}${attrs}>${escapeXml(node.text, false)}</${node.tag}>`);
      return;
    }
    lines.push(`${indent}<${node.tag}${attrs}>`);
    for (const c of node.children) write(c, depth + 1);
    lines.push(`${indent}</${node.tag}>`);
  };
  write(root, 0);
  return lines.join('\n') + '\n';
}
