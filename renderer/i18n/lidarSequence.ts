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
    interpolatedAll_one: 'Interpolated 1 track: frames {{frames}}',
    interpolatedAll_other: 'Interpolated {{count}} tracks: frames {{frames}}',
    interpolatedAllNone: 'No frame changed: no track has a gap between its keyframes (give the boxes of one object the same track id first)',
    changed: 'Changed by the last propagation or interpolation',
    keyframe: 'Keyframe of the selected track',
  },
  shortcutsLidarSeq: {
    propagate: 'LiDAR sequence: propagate the selected box (or every box of the frame) to the next N frames',
    trackId: 'LiDAR sequence: type the selected box\'s track id (Enter sets it; the same id on another frame links the box to that track)',
    interpolate: 'LiDAR sequence: interpolate the selected track between its keyframes (every track when nothing is selected)',
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
    interpolatedAll_one: '已插值 1 条轨迹：帧 {{frames}}',
    interpolatedAll_other: '已插值 {{count}} 条轨迹：帧 {{frames}}',
    interpolatedAllNone: '没有帧被更改：没有轨迹在关键帧之间有空缺（请先为同一物体的框设置相同的跟踪 ID）',
    changed: '上次传播或插值更改的帧',
    keyframe: '所选轨迹的关键帧',
  },
  shortcutsLidarSeq: {
    propagate: 'LiDAR 序列：将所选框（或本帧所有框）传播到后续 N 帧',
    trackId: 'LiDAR 序列：输入所选框的跟踪 ID（回车确认；在另一帧输入相同 ID 即把该框连入这条轨迹）',
    interpolate: 'LiDAR 序列：在所选轨迹的关键帧之间插值（未选中时插值所有轨迹）',
  },
};
