import { describe, expect, it } from 'vitest';
import { element, parseXml, serializeXml } from './xml';

describe('xml tree', () => {
  it('escapes and unescapes text and attributes, keeping element order', () => {
    const tree = element('root', {}, [
      element('b', { v: 'line\nbreak "q" & <z>' }, 'text & <tag> "c"'),
      element('a', {}, ''),
      element('b', {}, 'second'),
    ]);
    const parsed = parseXml('t.xml', serializeXml(tree));
    expect(parsed.children.map((c) => c.tag)).toEqual(['b', 'a', 'b']);
    expect(parsed.children[0].attrs.v).toBe('line\nbreak "q" & <z>');
    expect(parsed.children[0].text).toBe('text & <tag> "c"');
    expect(parseXml('t.xml', '<a v="&amp;#10;"/>').attrs.v).toBe('&#10;');
  });

  it('reports malformed XML with the file and line', () => {
    expect(() => parseXml('bad.xml', '<a>\n<b></a>')).toThrow(/^bad.xml: invalid XML at line 2/);
  });
});
