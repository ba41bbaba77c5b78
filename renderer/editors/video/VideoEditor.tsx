/**
 * Video annotation: frame-exact frames (WebCodecs + mp4box in a worker), the image editor in
 * track mode (a shape drawn is a track; an edit on another frame is a keyframe; frames between
 * interpolate), and a timeline with the selected tracks' keyframes. MP4 / MOV and WebM / MKV
 * (VP8, VP9); other containers fall back to the plain player.
 */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ItemSummary } from '../../../preload/contract';
import { Timeline } from '../../viewports/Timeline';
import { ImageEditor } from '../image/ImageEditor';
import { trackOps } from '../../../core/editing/image/ops';
import { VideoFrames } from './videoFrames';
import { SUPERSEDED, type VideoInfo } from './protocol';
import { useSharedFrame } from '../../state/selection';
import { usePlayback } from '../../viewports/usePlayback';

export function VideoEditor({ item }: { item: ItemSummary }) {
  const { t } = useTranslation();
  const [info, setInfo] = useState<VideoInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [frame, setFrame] = useState(0);
  useSharedFrame(item.id, frame, setFrame, info?.frames ?? 0);
  const [shown, setShown] = useState<{ n: number; bitmap: ImageBitmap } | null>(null);
  const [playing, setPlaying] = useState(false);
  const frames = useRef<VideoFrames | null>(null);
  const mp4 = /\.(mp4|m4v|mov|webm|mkv)$/i.test(item.name);

  useEffect(() => {
    if (!mp4) return;
    const f = new VideoFrames(`/blob/item/${item.id}`);
    frames.current = f;
    f.open().then(setInfo, (e: Error) => setError(e.message));
    return () => {
      f.dispose();
      frames.current = null;
    };
  }, [item.id, mp4]);

  // Show the requested frame; a newer request wins over a slower older one.
  const latest = useRef(0);
  useEffect(() => {
    if (!info || !frames.current) return;
    const want = frame;
    latest.current = want;
    frames.current.frame(want).then(
      (bitmap) => {
        if (latest.current !== want) return bitmap.close();
        setShown((old) => {
          old?.bitmap.close();
          return { n: want, bitmap };
        });
      },
      (e: Error) => {
        // an overtaken request is dropped by the worker; only the frame still wanted can fail
        if (latest.current === want && e.message !== SUPERSEDED) setError(e.message);
      },
    );
  }, [frame, info]);

  usePlayback(info?.frames ?? 0, setFrame, playing, info?.fps ?? 25);

  if (!mp4) {
    return (
      <div className="sequence">
        <p className="muted small center">{t('image.video.unsupported')}</p>
        <video className="video" src={`/blob/item/${item.id}`} controls data-testid="video-viewer" />
      </div>
    );
  }
  if (error) return <p className="error-text center">{error}</p>;
  if (!info) return <p className="muted center">{t('viewer.loading')}</p>;
  return (
    <div className="ie-video" data-testid="video-editor" data-decoder={info.supported ? 'webcodecs' : 'video-element'} data-shown-frame={shown?.n ?? -1}>
      <ImageEditor
        item={item}
        ops={trackOps}
        frameCount={info.frames}
        frame={frame}
        bitmap={shown?.bitmap ?? null}
        footer={
          <>
            {shown?.n !== frame ? <span className="ie-video-status">{t('image.video.decoding')}</span> : null}
            {!info.supported ? <span className="ie-video-status" style={{ bottom: 96 }}>{t('image.video.fallback')}</span> : null}
            <Timeline count={info.frames} frame={frame} setFrame={setFrame} playing={playing} setPlaying={setPlaying} />
          </>
        }
      />
    </div>
  );
}
