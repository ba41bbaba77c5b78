/**
 * Ontology checks: labels not in the ontology, and required attributes without a value (track
 * scope read from the track record, frame scope from the keyframe / object). Reported once per
 * object, or once per track and attribute (at the first frame where it is missing).
 */
import type { QaConfig } from '../config';
import type { LabelResolver, NormalizedItem } from '../collect';
import type { Finding } from '../types';

export function checkAttributes(n: NormalizedItem, config: QaConfig, resolve: LabelResolver, hasOntology: boolean): Finding[] {
  const out: Finding[] = [];
  const seen = new Set<string>();
  const once = (key: string) => (seen.has(key) ? false : (seen.add(key), true));
  const records = new Map(n.series.filter((s) => s.track).map((s) => [s.id, s.track!]));
  /** A frame attribute holds from the latest keyframe at or before the frame that sets it. */
  const held = (trackId: string, frame: number, keys: string[]) => {
    const t = records.get(trackId);
    if (!t) return undefined;
    for (let i = t.keyframes.length - 1; i >= 0; i--) {
      const k = t.keyframes[i];
      if (k.frame > frame) continue;
      for (const key of keys) if (k.attributes[key] !== undefined && k.attributes[key] !== '') return k.attributes[key];
    }
    return undefined;
  };
  for (const { frame, objects } of n.frames)
    for (const o of objects) {
      if (o.prediction) continue;
      const { spec } = resolve(o.label);
      if (!spec) {
        if (config.labels.enabled && hasOntology && once(`label\u0000${o.trackId ?? o.id}\u0000${o.id}`))
          out.push({ check: 'unknown-label', severity: 'warning', item: n.item.id, frame, object: o.id, message: `label "${o.label}" is not in the ontology` });
        continue;
      }
      if (!config.attributes.enabled || !o.keyframe) continue;
      for (const a of spec.attributes) {
        if (!a.required) continue;
        let value = o.fromTrack && a.scope !== 'frame' ? o.trackAttributes?.[a.id] ?? o.trackAttributes?.[a.name] : o.attributes[a.id] ?? o.attributes[a.name];
        if ((value === undefined || value === '') && o.fromTrack && a.scope === 'frame') value = held(o.id, frame, [a.id, a.name]);
        if (value !== undefined && value !== '') continue;
        const key = o.trackId !== undefined ? `attr\u0000${o.trackId}\u0000${a.id}` : `attr\u0000${o.id}\u0000${frame}\u0000${a.id}`;
        if (!once(key)) continue;
        out.push({
          check: 'missing-attribute',
          severity: 'error',
          item: n.item.id,
          frame,
          object: o.id,
          message: `${spec.name} ${o.trackId !== undefined ? `track ${o.trackId}` : o.id} has no value for the required attribute "${a.name}"`,
        });
      }
    }
  return out;
}
