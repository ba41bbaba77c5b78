/** Strings of the editor shell: the frame around every editor (navigation, save state, filmstrips). */
import type { Shape } from './shape';

export const shellEn = {
  shell: {
    prevItem: 'Previous item',
    nextItem: 'Next item',
    position: '{{n}} / {{total}}',
    saved: 'Saved',
    saving: 'Saving…',
    unsaved: 'Not saved',
    lastChanged: 'Last changed {{when}}',
    lastChangedBy: 'Last changed by {{who}} {{when}}',
    frames: 'Frames',
    frame: 'Frame {{n}}',
    items: 'Items in the dataset',
    shortcuts: {
      section: 'Items (every editor)',
      nextItem: 'Next item in the dataset (saves first; LiDAR: only with no cuboid selected; medical: the header’s › button)',
      prevItem: 'Previous item in the dataset (saves first; LiDAR: only with no cuboid selected; medical: the header’s ‹ button)',
      nextImage: 'Single images: next item (in sequences and videos: next frame)',
      prevImage: 'Single images: previous item (in sequences and videos: previous frame)',
      back: 'Back to the dataset',
    },
  },
};

export const shellZh: Shape<typeof shellEn> = {
  shell: {
    prevItem: '上一项',
    nextItem: '下一项',
    position: '{{n}} / {{total}}',
    saved: '已保存',
    saving: '正在保存…',
    unsaved: '未保存',
    lastChanged: '最后修改于{{when}}',
    lastChangedBy: '{{who}} 最后修改于{{when}}',
    frames: '帧',
    frame: '第 {{n}} 帧',
    items: '数据集中的条目',
    shortcuts: {
      section: '条目（所有编辑器）',
      nextItem: '数据集中的下一项（先保存；LiDAR：仅在未选中立方体时；医学影像：标题栏的 › 按钮）',
      prevItem: '数据集中的上一项（先保存；LiDAR：仅在未选中立方体时；医学影像：标题栏的 ‹ 按钮）',
      nextImage: '单张图像：下一项（序列和视频中：下一帧）',
      prevImage: '单张图像：上一项（序列和视频中：上一帧）',
      back: '返回数据集',
    },
  },
};
