/** What a demuxer gives the decoder (MP4 in demux.ts, WebM in webm.ts). */
export type VideoSample = { data: Uint8Array; cts: number; dts: number; duration: number; sync: boolean };

export type DemuxedVideo = {
  codec: string;
  width: number;
  height: number;
  timescale: number;
  description?: Uint8Array;
  /** Decode order. */
  samples: VideoSample[];
  /** order[n] = index in `samples` of the n-th frame in presentation order. */
  order: number[];
  fps: number;
};
