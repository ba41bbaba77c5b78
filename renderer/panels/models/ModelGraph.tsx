/**
 * The selected library model's graph: input and output names, types and shapes, as ONNX Runtime
 * reads them from the file (RPC models.graph), collapsed until opened.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MethodOutput } from '../../../preload/contract';
import { rpc } from '../../transport';
import './modelImport.css';

type Graph = MethodOutput<'models.graph'>;
const shape = (s?: number[]) => (s ? `[${s.map((d) => (d < 0 ? '?' : d)).join(', ')}]` : '?');

export function ModelGraph({ modelId }: { modelId: string }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [graph, setGraph] = useState<Graph | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setGraph(null);
    setError(null);
  }, [modelId]);
  useEffect(() => {
    if (!open || graph || error) return;
    let live = true;
    rpc.call('models.graph', { modelId }).then(
      (g) => live && setGraph(g),
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, [open, modelId, graph, error]);
  if (graph && !graph.inputs.length && !graph.outputs.length && open) return null;
  return (
    <details className="model-graph" open={open} onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)} data-testid="model-graph">
      <summary className="small">{t('modelImport.graph')}</summary>
      {error ? <p className="error-text small">{error}</p> : null}
      {graph ? (
        <table className="graph-io small mono">
          <tbody>
            {[...graph.inputs.map((io) => ['input', io] as const), ...graph.outputs.map((io) => ['output', io] as const)].map(([kind, io]) => (
              <tr key={`${kind}-${io.name}`}>
                <td className="muted">{t(`modelImport.${kind}`)}</td>
                <td>{io.name}</td>
                <td>{io.type ?? ''}</td>
                <td>{shape(io.shape)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </details>
  );
}
