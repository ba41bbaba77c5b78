/** Messages between the video editor and its decoder worker. */
export type ToWorker = { type: 'open'; url: string } | { type: 'frame'; id: number; n: number };

export type VideoInfo = {
  width: number;
  height: number;
  frames: number;
  fps: number;
  codec: string;
  /** WebCodecs can decode this stream here (otherwise the client seeks a <video> element). */
  supported: boolean;
  /** Presentation time of each frame, seconds. */
  times: number[];
};

export type FromWorker =
  | ({ type: 'info' } & VideoInfo)
  | { type: 'frame'; id: number; n: number; bitmap: ImageBitmap }
  | { type: 'error'; id?: number; message: string };

/** Error message for a frame request dropped because a newer one came in (not a failure). */
export const SUPERSEDED = 'superseded by a newer frame request';
