/**
 * The record layout of the project's headerless .bin clouds, editable where a .bin cloud is shown:
 * KITTI's x y z intensity by default; Enter checks the text (binLayout.ts) and saves it to the
 * project settings, and the editor reads the cloud again with it.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatBinLayoutSpec, parseBinLayoutSpec } from '../../../core/formats/pointcloud/binLayout';
import { KITTI_LAYOUT } from '../../../core/formats/pointcloud/bin';
import { rpc } from '../../transport';
import { useApp } from '../../state/appStore';
import { reportError } from '../../state/actions';

const KITTI_SPEC = formatBinLayoutSpec(KITTI_LAYOUT);

export function BinLayoutField({ saved, onError }: { saved: string; onError(message: string | null): void }) {
  const { t } = useTranslation();
  const [text, setText] = useState(saved || KITTI_SPEC);
  useEffect(() => setText(saved || KITTI_SPEC), [saved]);
  const save = async () => {
    const value = text.trim() === KITTI_SPEC ? '' : text.trim();
    if (value === saved) return;
    try {
      if (value) parseBinLayoutSpec(value);
    } catch (e) {
      onError((e as Error).message);
      return;
    }
    onError(null);
    try {
      const project = await rpc.call('project.updateSettings', { settings: { binLayout: value } });
      useApp.getState().set({ project });
    } catch (err) {
      reportError(err);
    }
  };
  return (
    <label className="small" title={t('lidar.binLayoutHelp')}>
      {t('lidar.binLayout')}{' '}
      <input
        className="mono"
        size={28}
        value={text}
        onChange={(e) => setText(e.target.value)}
        // (the editor's shortcuts ignore keys typed into inputs)
        onKeyDown={(e) => e.key === 'Enter' && void save()}
        data-testid="bin-layout"
      />
    </label>
  );
}
