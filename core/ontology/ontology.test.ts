import { describe, expect, it } from 'vitest';
import { addAttribute, addLabel, ontologyToJson, parseOntologyJson, removeLabel, updateAttribute, updateLabel } from './ontology';

describe('ontology edits', () => {
  it('adds labels with unique ids and free hotkeys', () => {
    let o = { labels: [] as any[] };
    const a = addLabel(o, 'Car');
    o = a.ontology;
    const b = addLabel(o, 'Car');
    expect(a.id).toBe('car');
    expect(b.id).toBe('car-2');
    expect(b.ontology.labels.map((l) => l.hotkey)).toEqual(['1', '2']);
  });

  it('moves a hotkey instead of duplicating it', () => {
    let o = addLabel({ labels: [] }, 'A').ontology;
    o = addLabel(o, 'B').ontology;
    o = updateLabel(o, 'b', { hotkey: '1' });
    expect(o.labels.find((l) => l.id === 'a')!.hotkey).toBeUndefined();
    expect(o.labels.find((l) => l.id === 'b')!.hotkey).toBe('1');
  });

  it('changing an attribute type resets its default and options', () => {
    let o = addLabel({ labels: [] }, 'Car').ontology;
    o = addAttribute(o, 'car');
    o = updateAttribute(o, 'car', 'attribute', { type: 'enum' });
    const attr = o.labels[0].attributes[0];
    expect(attr.type).toBe('enum');
    expect(attr.options).toEqual(['a', 'b']);
    expect(removeLabel(o, 'car').labels).toEqual([]);
  });

  it('round-trips through JSON and rejects bad files with the file name', () => {
    const o = addAttribute(addLabel({ labels: [] }, 'Truck').ontology, 'truck');
    expect(parseOntologyJson(ontologyToJson(o))).toEqual(o);
    expect(() => parseOntologyJson('{', 'mine.json')).toThrow(/mine\.json: invalid JSON/);
    expect(() => parseOntologyJson('{"labels":[{"id":"x","name":"X","color":"red"}]}', 'mine.json')).toThrow(/mine\.json: labels\.0\.color/);
    expect(() =>
      parseOntologyJson('{"labels":[{"id":"x","name":"X","color":"#ff0000"},{"id":"x","name":"Y","color":"#00ff00"}]}'),
    ).toThrow(/duplicate label id "x"/);
  });
});
