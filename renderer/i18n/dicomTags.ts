/** Strings of the DICOM header (tag) viewer (renderer/editors/medical/TagViewer.tsx). */
import type { Shape } from './shape';

export const dicomTagsEn = {
  dicomTags: {
    open: 'DICOM tags',
    title: 'DICOM header: {{file}}',
    fileOf: 'File {{n}} of {{count}}',
    previous: 'Previous file',
    next: 'Next file',
    filter: 'Filter by tag, keyword or value…',
    reveal: 'Show identifying values (names, IDs, dates)',
    hidden: 'hidden',
    truncated: '{{count}} more elements not shown',
    rows: '{{count}} elements',
    close: 'Close',
    tag: 'Tag',
    keyword: 'Keyword',
    vr: 'VR',
    value: 'Value',
    loading: 'Reading the header…',
  },
};

export const dicomTagsZh: Shape<typeof dicomTagsEn> = {
  dicomTags: {
    open: 'DICOM 标签',
    title: 'DICOM 头信息：{{file}}',
    fileOf: '第 {{n}} / {{count}} 个文件',
    previous: '上一个文件',
    next: '下一个文件',
    filter: '按标签、关键字或值筛选…',
    reveal: '显示可识别身份的值（姓名、ID、日期）',
    hidden: '已隐藏',
    truncated: '另有 {{count}} 个元素未显示',
    rows: '{{count}} 个元素',
    close: '关闭',
    tag: '标签',
    keyword: '关键字',
    vr: 'VR',
    value: '值',
    loading: '正在读取头信息…',
  },
};
