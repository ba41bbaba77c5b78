import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AttributeSpec, GeometryKind, LabelSpec, Ontology } from '../../core/document/schema';
import { History } from '../../core/history/history';
import { diffRecords } from '../../core/history/diff';
import * as edit from '../../core/ontology/ontology';
import { rpc } from '../transport';
import { useApp } from '../state/appStore';
import { parseSkeleton } from '../editors/image/tools/skeleton';
import { reportError } from '../state/actions';
import { useKeymap } from '../keymap/useKeymap';
import { ontologyKeys } from './keys';

const KINDS: GeometryKind[] = ['box2d', 'rotatedBox', 'polygon', 'polyline', 'points', 'skeleton', 'mask', 'cuboid3d', 'tag'];
const ATTRIBUTE_TYPES: AttributeSpec['type'][] = ['bool', 'enum', 'number', 'text'];

/**
 * The ontology is small, so history entries hold it as one record ("ontology") per step; every
 * change is saved to datum.json at once (atomically, by the host).
 */
export function OntologyEditor() {
  const { t } = useTranslation();
  const project = useApp((s) => s.project)!;
  const [ontology, setOntology] = useState<Ontology>(project.ontology);
  const [selected, setSelected] = useState<string | null>(project.ontology.labels[0]?.id ?? null);
  const [saving, setSaving] = useState(false);
  const history = useRef(new History<Ontology>());
  const saveChain = useRef(Promise.resolve());
  const fileInput = useRef<HTMLInputElement>(null);

  const save = useCallback((next: Ontology) => {
    setSaving(true);
    saveChain.current = saveChain.current
      .then(() => rpc.call('project.updateOntology', { ontology: next }))
      .then((p) => useApp.getState().set({ project: p }))
      .catch(reportError)
      .finally(() => setSaving(false));
  }, []);

  const apply = useCallback(
    (next: Ontology, label: string) => {
      history.current.push({ diff: diffRecords({ ontology }, { ontology: next }), label, selection: selected ? [selected] : [] });
      setOntology(next);
      save(next);
    },
    [ontology, save, selected],
  );

  const undoRedo = useCallback(
    (redo: boolean) => {
      const r = redo ? history.current.redo({ ontology }) : history.current.undo({ ontology });
      if (!r) return;
      setOntology(r.records.ontology);
      if (r.entry.selection?.[0]) setSelected(r.entry.selection[0]);
      save(r.records.ontology);
    },
    [ontology, save],
  );

  useKeymap(ontologyKeys, { undo: () => undoRedo(false), redo: () => undoRedo(true) });

  const label = ontology.labels.find((l) => l.id === selected) ?? null;

  const exportJson = () => {
    const blob = new Blob([edit.ontologyToJson(ontology)], { type: 'application/json' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `${project.name.replace(/\W+/g, '_')}-ontology.json`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  };
  const importJson = async (file: File) => {
    try {
      const next = edit.parseOntologyJson(await file.text(), file.name);
      apply(next, 'import');
      setSelected(next.labels[0]?.id ?? null);
    } catch (err) {
      useApp.getState().set({ error: t('ontology.invalidImport', { message: (err as Error).message }) });
    }
  };

  return (
    <div className="ontology">
      <aside className="label-list card">
        <div className="panel-head">
          <h2>{t('ontology.title')}</h2>
          <span className="muted small" data-testid="save-state">
            {saving ? t('ontology.saving') : t('ontology.saved')}
          </span>
        </div>
        <div className="row wrap">
          <button
            className="primary"
            data-testid="add-label"
            onClick={() => {
              const r = edit.addLabel(ontology);
              apply(r.ontology, 'add label');
              setSelected(r.id);
            }}
          >
            + {t('ontology.addLabel')}
          </button>
          <button className="ghost" disabled={!history.current.canUndo} onClick={() => undoRedo(false)} title="Ctrl+Z">
            ↶ {t('ontology.undo')}
          </button>
          <button className="ghost" disabled={!history.current.canRedo} onClick={() => undoRedo(true)} title="Ctrl+Shift+Z">
            ↷ {t('ontology.redo')}
          </button>
        </div>
        {ontology.labels.length === 0 ? <p className="muted">{t('ontology.noLabels')}</p> : null}
        <ul>
          {ontology.labels.map((l) => (
            <li key={l.id}>
              <button className={l.id === selected ? 'label-row selected' : 'label-row'} onClick={() => setSelected(l.id)} data-testid="label-row">
                <span className="swatch" style={{ background: l.color }} />
                <span className="label-name">{l.name}</span>
                {l.hotkey ? <kbd>{l.hotkey}</kbd> : null}
                <span className="muted small">{l.attributes.length ? t('ontology.attributeCount', { count: l.attributes.length }) : ''}</span>
              </button>
            </li>
          ))}
        </ul>
        <div className="row wrap">
          <button className="ghost" onClick={() => fileInput.current?.click()}>
            ⤓ {t('ontology.import')}
          </button>
          <button className="ghost" onClick={exportJson}>
            ⤒ {t('ontology.export')}
          </button>
          <input
            ref={fileInput}
            type="file"
            accept="application/json,.json"
            hidden
            data-testid="import-ontology"
            onChange={(e) => {
              const f = e.target.files?.[0];
              if (f) void importJson(f);
              e.target.value = '';
            }}
          />
        </div>
      </aside>
      {label ? <LabelDetail key={label.id} label={label} ontology={ontology} apply={apply} onRemoved={() => setSelected(null)} /> : <div />}
    </div>
  );
}

interface DetailProps {
  label: LabelSpec;
  ontology: Ontology;
  apply(next: Ontology, what: string): void;
  onRemoved(): void;
}

function SkeletonFields({ label, upd }: { label: LabelSpec; upd(patch: Partial<LabelSpec>, what: string): void }) {
  const { t } = useTranslation();
  const [points, setPoints] = useState(label.skeleton?.points.join(', ') ?? '');
  const [edges, setEdges] = useState(label.skeleton?.edges.map(([a, b]) => `${a + 1}-${b + 1}`).join(', ') ?? '');
  useEffect(() => {
    setPoints(label.skeleton?.points.join(', ') ?? '');
    setEdges(label.skeleton?.edges.map(([a, b]) => `${a + 1}-${b + 1}`).join(', ') ?? '');
  }, [label.skeleton]);
  const commit = () => {
    const next = parseSkeleton(points, edges);
    if (JSON.stringify(next) !== JSON.stringify(label.skeleton)) upd({ skeleton: next }, 'skeleton');
  };
  return (
    <>
      <h3>{t('ontology.skeleton')}</h3>
      <div className="form-grid">
        <label>
          {t('ontology.skeletonPoints')}
          <input value={points} data-testid="skeleton-points" onChange={(e) => setPoints(e.target.value)} onBlur={commit} onKeyDown={(e) => e.key === 'Enter' && commit()} />
        </label>
        <label>
          {t('ontology.skeletonEdges')}
          <input value={edges} data-testid="skeleton-edges" onChange={(e) => setEdges(e.target.value)} onBlur={commit} onKeyDown={(e) => e.key === 'Enter' && commit()} />
        </label>
      </div>
    </>
  );
}

function LabelDetail({ label, ontology, apply, onRemoved }: DetailProps) {
  const { t } = useTranslation();
  const [name, setName] = useState(label.name);
  useEffect(() => setName(label.name), [label.name]);
  const upd = (patch: Partial<LabelSpec>, what: string) => apply(edit.updateLabel(ontology, label.id, patch), what);
  const updAttr = (a: AttributeSpec, patch: Partial<AttributeSpec>) => apply(edit.updateAttribute(ontology, label.id, a.id, patch), 'edit attribute');

  return (
    <section className="label-detail card">
      <div className="form-grid">
        <label>
          {t('ontology.name')}
          <input
            value={name}
            data-testid="label-name"
            onChange={(e) => setName(e.target.value)}
            onBlur={() => name.trim() && name !== label.name && upd({ name: name.trim() }, 'rename')}
            onKeyDown={(e) => e.key === 'Enter' && (e.target as HTMLInputElement).blur()}
          />
        </label>
        <label>
          {t('ontology.color')}
          <input type="color" value={label.color} onChange={(e) => upd({ color: e.target.value }, 'color')} />
        </label>
        <label>
          {t('ontology.hotkey')}
          <input className="narrow" maxLength={1} value={label.hotkey ?? ''} onChange={(e) => upd({ hotkey: e.target.value || undefined }, 'hotkey')} />
        </label>
      </div>
      <h3>{t('ontology.kinds')}</h3>
      <div className="chips">
        {KINDS.map((k) => (
          <button
            key={k}
            className={label.kinds.includes(k) ? 'chip active' : 'chip'}
            title={k}
            data-kind={k}
            onClick={() => upd({ kinds: label.kinds.includes(k) ? label.kinds.filter((x) => x !== k) : [...label.kinds, k] }, 'kinds')}
          >
            {t(`ontology.kindNames.${k}`)}
          </button>
        ))}
      </div>
      {label.kinds.includes('skeleton') || label.skeleton ? <SkeletonFields label={label} upd={upd} /> : null}
      <h3>{t('ontology.attributes')}</h3>
      <table className="attr-table">
        <thead>
          <tr>
            <th>{t('ontology.name')}</th>
            <th>{t('ontology.type')}</th>
            <th>{t('ontology.scope')}</th>
            <th>{t('ontology.options')}</th>
            <th>{t('ontology.required')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {label.attributes.map((a) => (
            <tr key={a.id} data-testid="attribute-row">
              <td>
                <input defaultValue={a.name} onBlur={(e) => e.target.value.trim() && e.target.value !== a.name && updAttr(a, { name: e.target.value.trim() })} />
              </td>
              <td>
                <select value={a.type} onChange={(e) => updAttr(a, { type: e.target.value as AttributeSpec['type'] })}>
                  {ATTRIBUTE_TYPES.map((x) => (
                    <option key={x} value={x}>
                      {t(`ontology.attributeTypes.${x}`)}
                    </option>
                  ))}
                </select>
              </td>
              <td>
                <select value={a.scope} onChange={(e) => updAttr(a, { scope: e.target.value as AttributeSpec['scope'] })}>
                  <option value="track">{t('ontology.perTrack')}</option>
                  <option value="frame">{t('ontology.perFrame')}</option>
                </select>
              </td>
              <td>
                {a.type === 'enum' ? (
                  <input
                    defaultValue={(a.options ?? []).join(', ')}
                    onBlur={(e) => updAttr(a, { options: e.target.value.split(',').map((s) => s.trim()).filter(Boolean) })}
                  />
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
              <td>
                <input type="checkbox" checked={a.required} onChange={(e) => updAttr(a, { required: e.target.checked })} />
              </td>
              <td>
                <button className="link danger" onClick={() => apply(edit.removeAttribute(ontology, label.id, a.id), 'remove attribute')}>
                  {t('ontology.remove')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="row">
        <button className="ghost" data-testid="add-attribute" onClick={() => apply(edit.addAttribute(ontology, label.id), 'add attribute')}>
          + {t('ontology.addAttribute')}
        </button>
        <span className="spacer" />
        <button className="ghost" onClick={() => apply(edit.moveLabel(ontology, label.id, -1), 'move')}>
          ↑
        </button>
        <button className="ghost" onClick={() => apply(edit.moveLabel(ontology, label.id, 1), 'move')}>
          ↓
        </button>
        <button
          className="danger"
          onClick={() => {
            apply(edit.removeLabel(ontology, label.id), 'remove label');
            onRemoved();
          }}
        >
          {t('ontology.remove')}
        </button>
      </div>
    </section>
  );
}
