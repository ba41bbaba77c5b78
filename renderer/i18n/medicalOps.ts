/** Strings of the medical editor's segment operations and adaptive window presets (SegmentOpsPanel.tsx). */
import type { Shape } from './shape';

export const medicalOpsEn = {
  medicalOps: {
    title: 'Segment operations',
    grow: 'Grow from crosshair',
    thresholdBox: 'Threshold in box',
    boxHalf: 'Box half-size {{mm}} mm',
    removeIslands: 'Remove small islands',
    minIsland: 'Smallest island kept (voxels)',
    keepLargest: 'Keep largest',
    fillHoles: 'Fill holes',
    smooth: 'Smooth',
    done: '{{op}}: {{count}} voxels changed',
    rangeHint: 'Range: the threshold min / max above',
    presets: { mrBrainT1: 'MR brain T1', mrBrainT2: 'MR brain T2', mrSpine: 'MR spine', nmPet: 'NM / PET (SUV 0–5)' },
    keys: {
      grow: 'Region growing from the crosshair within the threshold range (3D)',
      thresholdBox: 'Threshold within a 3D box around the crosshair',
      removeIslands: 'Remove small islands of the active segment',
      keepLargest: 'Keep the largest component of the active segment',
      fillHoles: 'Fill enclosed holes of the active segment',
      smooth: 'Smooth the active segment (3D median)',
    },
  },
};

export const medicalOpsZh: Shape<typeof medicalOpsEn> = {
  medicalOps: {
    title: '分割操作',
    grow: '从十字线区域生长',
    thresholdBox: '框内阈值',
    boxHalf: '框半径 {{mm}} mm',
    removeIslands: '移除小岛',
    minIsland: '保留的最小岛（体素）',
    keepLargest: '保留最大连通域',
    fillHoles: '填充空洞',
    smooth: '平滑',
    done: '{{op}}：改变了 {{count}} 个体素',
    rangeHint: '范围：上方的阈值最小 / 最大值',
    presets: { mrBrainT1: 'MR 脑 T1', mrBrainT2: 'MR 脑 T2', mrSpine: 'MR 脊柱', nmPet: '核医学 / PET（SUV 0–5）' },
    keys: {
      grow: '在阈值范围内从十字线进行三维区域生长',
      thresholdBox: '在十字线周围的三维框内做阈值分割',
      removeIslands: '移除当前分割的小岛',
      keepLargest: '只保留当前分割的最大连通域',
      fillHoles: '填充当前分割的封闭空洞',
      smooth: '平滑当前分割（三维中值）',
    },
  },
};
