import type { Shape } from './shape';

/** Strings of the LiDAR editor's sequence bar (propagation, interpolation feedback). */
export const lidarSequenceEn = {
  lidarSeq: {
    frames: 'frames',
    framesHelp: 'How many frames to propagate over (N)',
    propagate: 'Propagate box',
    propagateHelp: 'Carry the selected box to the next N frames: it follows its points, one track, constant size (Shift+D)',
    propagateAll: 'Propagate all',
    propagateAllHelp: 'Carry every box of this frame to the next N frames (Shift+D with nothing selected)',
    running: 'Propagating… frame {{done}} of {{total}}',
    cancel: 'Cancel',
    cancelled: 'Propagation cancelled; nothing changed',
    // i18next picks _one / _other from `count` (the number of boxes); `span` is the frames part.
    done_one: 'Propagated 1 box over {{span}}: {{tracked}} placed by their points, {{predicted}} predicted, {{lost}} lost',
    done_other: 'Propagated {{count}} boxes over {{span}}: {{tracked}} placed by their points, {{predicted}} predicted, {{lost}} lost',
    span_one: '1 frame',
    span_other: '{{count}} frames',
    nothing: 'Nothing to propagate: no box on this frame, or this is the last frame',
    interpolated: 'Interpolated frames {{frames}}',
    interpolatedNone: 'No frame changed: the track has no gaps between its keyframes',
    changed: 'Changed by the last propagation or interpolation',
    keyframe: 'Keyframe of the selected track',
  },
  shortcutsLidarSeq: {
    propagate: 'LiDAR sequence: propagate the selected box (or every box of the frame) to the next N frames',
  },
};

export const lidarSequenceZh: Shape<typeof lidarSequenceEn> = {
  lidarSeq: {
    frames: '帧',
    framesHelp: '向后传播的帧数（N）',
    propagate: '传播此框',
    propagateHelp: '将所选框传播到后续 N 帧：跟随其点云，同一轨迹，尺寸不变（Shift+D）',
    propagateAll: '全部传播',
    propagateAllHelp: '将本帧所有框传播到后续 N 帧（未选中时按 Shift+D）',
    running: '传播中… 第 {{done}} / {{total}} 帧',
    cancel: '取消',
    cancelled: '已取消传播，未做任何更改',
    done_one: '已将 1 个框传播 {{span}}：{{tracked}} 个按点云定位，{{predicted}} 个为预测，{{lost}} 个丢失',
    done_other: '已将 {{count}} 个框传播 {{span}}：{{tracked}} 个按点云定位，{{predicted}} 个为预测，{{lost}} 个丢失',
    span_one: '1 帧',
    span_other: '{{count}} 帧',
    nothing: '无可传播内容：本帧没有框，或已是最后一帧',
    interpolated: '已插值的帧：{{frames}}',
    interpolatedNone: '没有帧被更改：该轨迹的关键帧之间没有空缺',
    changed: '上次传播或插值更改的帧',
    keyframe: '所选轨迹的关键帧',
  },
  shortcutsLidarSeq: {
    propagate: 'LiDAR 序列：将所选框（或本帧所有框）传播到后续 N 帧',
  },
};
