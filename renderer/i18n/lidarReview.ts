import type { Shape } from './shape';

/** Strings of reviewing model predictions in the LiDAR editor (renderer/editors/lidar/review). */
export const lidarReviewEn = {
  lidarReview: {
    title: 'Predictions',
    pending: '{{count}} to review in this frame, {{total}} in all',
    none: 'No prediction waiting for review',
    score: 'score',
    accept: 'Accept',
    reject: 'Reject',
    acceptHelp: 'Accept: keep it as a reviewed prediction (Enter)',
    rejectHelp: 'Reject: remove it and remember it, so pre-labelling does not bring it back (Delete)',
    prev: '‹ Prev',
    next: 'Next ›',
    navHelp: 'Previous / next prediction, shown and selected (Shift+Tab / Tab)',
    threshold: 'Threshold {{value}}',
    acceptFrame: 'Accept {{count}} ≥ {{value}} in this frame',
    acceptSequence: 'Accept {{count}} ≥ {{value}} in the sequence',
    accepted: 'Accepted {{count}} predictions',
    rejectedCount: '{{count}} rejected (remembered)',
    model: 'model {{model}}',
  },
  shortcutsLidarReview: {
    next: 'LiDAR: next prediction to review (shows and selects it)',
    prev: 'LiDAR: previous prediction to review',
    accept: 'LiDAR: accept the selected prediction (as Enter in the Models tab)',
    reject: 'LiDAR: reject the selected prediction; it is remembered and not pre-labelled again',
    acceptAbove: 'LiDAR: accept every prediction of this frame at or above the threshold',
  },
};

export const lidarReviewZh: Shape<typeof lidarReviewEn> = {
  lidarReview: {
    title: '预测',
    pending: '本帧待审 {{count}} 个，共 {{total}} 个',
    none: '没有待审的预测',
    score: '分数',
    accept: '接受',
    reject: '拒绝',
    acceptHelp: '接受：保留为已审核的预测（Enter）',
    rejectHelp: '拒绝：删除并记住它，预标注不会再次生成（Delete）',
    prev: '‹ 上一个',
    next: '下一个 ›',
    navHelp: '上一个 / 下一个预测，显示并选中（Shift+Tab / Tab）',
    threshold: '阈值 {{value}}',
    acceptFrame: '接受本帧 {{count}} 个 ≥ {{value}}',
    acceptSequence: '接受序列中 {{count}} 个 ≥ {{value}}',
    accepted: '已接受 {{count}} 个预测',
    rejectedCount: '已拒绝 {{count}} 个（已记住）',
    model: '模型 {{model}}',
  },
  shortcutsLidarReview: {
    next: 'LiDAR：下一个待审预测（显示并选中）',
    prev: 'LiDAR：上一个待审预测',
    accept: 'LiDAR：接受所选预测（与模型页的 Enter 相同）',
    reject: 'LiDAR：拒绝所选预测；会被记住，不再预标注',
    acceptAbove: 'LiDAR：接受本帧所有不低于阈值的预测',
  },
};
