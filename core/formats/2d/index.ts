/** 2D annotation formats: each converts between a map of files and a Dataset2D. */
export * from './dataset';
export { importCoco, exportCoco, type CocoImportOptions, type CocoExportOptions } from './coco';
export { importYolo, exportYolo, type YoloImportOptions, type YoloExportOptions, type ImageInfo } from './yolo';
export { importVoc, exportVoc, type VocImportOptions } from './voc';
export { importCvatImages, exportCvatImages } from './cvatImages';
export { importCvatVideo, exportCvatVideo, type CvatVideoExportOptions } from './cvatVideo';
export { imageSize, type PixelSize } from './imageSize';
