/** Strings of the DICOM study / series descriptors in the dataset browser (renderer/panels/dicomDescriptor.ts). */
import type { Shape } from './shape';

export const dicomBrowserEn = {
  dicomBrowser: {
    slices: '{{count}} slices',
    frames: '{{count}} frames',
    object: '{{kind}} object (not an image)',
    series: 'Series {{n}}',
  },
};

export const dicomBrowserZh: Shape<typeof dicomBrowserEn> = {
  dicomBrowser: {
    slices: '{{count}} 层',
    frames: '{{count}} 帧',
    object: '{{kind}} 对象（非图像）',
    series: '序列 {{n}}',
  },
};
