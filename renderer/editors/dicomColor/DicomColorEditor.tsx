/**
 * Colour DICOM (ultrasound, endoscopy, photographs, secondary captures) with the image tools:
 * the host decodes each frame to PNG (`/blob/dicom-frame/<id>/<n>`, main/services/dicomColor.ts).
 * One frame: the image editor as for a photo. Several frames: the image editor in track mode with
 * the timeline and filmstrip, as a folder of frames (ImageSequenceEditor).
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ItemSummary } from '../../../preload/contract';
import { ImageEditor } from '../image/ImageEditor';
import { trackOps } from '../../../core/editing/image/ops';
import { useSharedFrame } from '../../state/selection';
import { usePlayback } from '../../viewports/usePlayback';
import { Timeline } from '../../viewports/Timeline';
import { Filmstrip } from '../shell/Filmstrip';

const frameUrl = (item: ItemSummary, n: number) => `/blob/dicom-frame/${item.id}/${n}`;

export function DicomColorEditor({ item }: { item: ItemSummary }) {
  if ((item.frames ?? 1) <= 1) return <ImageEditor item={item} src={frameUrl(item, 0)} />;
  return <DicomFrameSequence item={item} />;
}

function DicomFrameSequence({ item }: { item: ItemSummary }) {
  const { t } = useTranslation();
  const count = item.frames ?? 1;
  const [frame, setFrame] = useState(0);
  const [playing, setPlaying] = useState(false);
  useSharedFrame(item.id, frame, setFrame, count);
  usePlayback(count, setFrame, playing, 10);
  return (
    <ImageEditor
      item={item}
      ops={trackOps}
      frameCount={count}
      frame={frame}
      src={frameUrl(item, frame)}
      footer={
        <>
          <Timeline count={count} frame={frame} setFrame={setFrame} playing={playing} setPlaying={setPlaying} />
          <Filmstrip count={count} current={frame} onPick={setFrame} thumb={(i) => frameUrl(item, i)} label={(i) => t('shell.frame', { n: i + 1 })} ariaLabel={t('shell.frames')} />
        </>
      }
    />
  );
}
