/**
 * Pure ontology edits and JSON import/export. Each edit returns a new Ontology; the editor turns
 * consecutive states into history entries.
 */
import { z } from 'zod';
import { Ontology, type AttributeSpec, type LabelSpec } from '../document/schema';

const PALETTE = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#46f0f0', '#f032e6', '#bcf60c', '#008080', '#9a6324', '#fabebe', '#e6beff'];

export function uniqueId(base: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  const slug = base.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'label';
  if (!used.has(slug)) return slug;
  for (let i = 2; ; i++) if (!used.has(`${slug}-${i}`)) return `${slug}-${i}`;
}

export function addLabel(o: Ontology, name = 'New label'): { ontology: Ontology; id: string } {
  const id = uniqueId(name, o.labels.map((l) => l.id));
  const usedKeys = new Set(o.labels.map((l) => l.hotkey));
  const hotkey = '1234567890'.split('').find((k) => !usedKeys.has(k));
  const label: LabelSpec = { id, name, color: PALETTE[o.labels.length % PALETTE.length], hotkey, kinds: ['box2d'], attributes: [] };
  return { ontology: { labels: [...o.labels, label] }, id };
}

export function updateLabel(o: Ontology, id: string, patch: Partial<Omit<LabelSpec, 'id'>>): Ontology {
  let labels = o.labels.map((l) => (l.id === id ? { ...l, ...patch } : l));
  // A hotkey belongs to one label: taking it removes it from the other.
  if (patch.hotkey) labels = labels.map((l) => (l.id !== id && l.hotkey === patch.hotkey ? { ...l, hotkey: undefined } : l));
  return { labels };
}

export function removeLabel(o: Ontology, id: string): Ontology {
  return { labels: o.labels.filter((l) => l.id !== id) };
}

export function moveLabel(o: Ontology, id: string, delta: -1 | 1): Ontology {
  const i = o.labels.findIndex((l) => l.id === id);
  const j = i + delta;
  if (i < 0 || j < 0 || j >= o.labels.length) return o;
  const labels = [...o.labels];
  [labels[i], labels[j]] = [labels[j], labels[i]];
  return { labels };
}

export function addAttribute(o: Ontology, labelId: string): Ontology {
  return {
    labels: o.labels.map((l) => {
      if (l.id !== labelId) return l;
      const id = uniqueId('attribute', l.attributes.map((a) => a.id));
      const attr: AttributeSpec = { id, name: 'Attribute', type: 'bool', scope: 'track', required: false, default: false };
      return { ...l, attributes: [...l.attributes, attr] };
    }),
  };
}

export function updateAttribute(o: Ontology, labelId: string, attrId: string, patch: Partial<Omit<AttributeSpec, 'id'>>): Ontology {
  return {
    labels: o.labels.map((l) =>
      l.id !== labelId
        ? l
        : {
            ...l,
            attributes: l.attributes.map((a) => {
              if (a.id !== attrId) return a;
              const next = { ...a, ...patch };
              // Changing the type invalidates the old default and options.
              if (patch.type && patch.type !== a.type) {
                next.default = patch.type === 'bool' ? false : patch.type === 'number' ? 0 : patch.type === 'enum' ? undefined : '';
                next.options = patch.type === 'enum' ? (a.options ?? ['a', 'b']) : undefined;
              }
              return next;
            }),
          },
    ),
  };
}

export function removeAttribute(o: Ontology, labelId: string, attrId: string): Ontology {
  return { labels: o.labels.map((l) => (l.id !== labelId ? l : { ...l, attributes: l.attributes.filter((a) => a.id !== attrId) })) };
}

/** Parse an imported ontology file; the message names the problem for the user. */
export function parseOntologyJson(text: string, fileName = 'ontology.json'): Ontology {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`${fileName}: invalid JSON (${(err as Error).message})`);
  }
  // Accept a bare ontology, or a datum.json that contains one.
  const candidate = raw && typeof raw === 'object' && 'ontology' in raw ? (raw as { ontology: unknown }).ontology : raw;
  const parsed = Ontology.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${fileName}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const ids = new Set<string>();
  for (const l of parsed.data.labels) {
    if (ids.has(l.id)) throw new Error(`${fileName}: duplicate label id "${l.id}"`);
    ids.add(l.id);
  }
  return parsed.data;
}

export function ontologyToJson(o: Ontology): string {
  return JSON.stringify({ format: 'datum-ontology', version: 1, ...o }, null, 2);
}

export type { Ontology };
export const OntologyFile = z.object({ labels: Ontology.shape.labels });
