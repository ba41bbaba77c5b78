/**
 * Which component shows (and edits) an item of each modality. Editors register here; ItemView
 * only looks things up, so new modalities do not touch it.
 */
import type { ComponentType } from 'react';
import type { ItemSummary, Modality } from '../../preload/contract';
import { ImageViewer } from './ImageViewer';
import { ImageSequenceViewer } from './ImageSequenceViewer';
import { MedicalEditor } from '../editors/medical/MedicalEditor';
import { LidarEditor } from '../editors/lidar/LidarEditor';

export type ItemViewerComponent = ComponentType<{ item: ItemSummary }>;

const ImageItem: ItemViewerComponent = ({ item }) => <ImageViewer src={`/blob/item/${item.id}`} />;
const VideoItem: ItemViewerComponent = ({ item }) => <video className="video" src={`/blob/item/${item.id}`} controls data-testid="video-viewer" />;

export const viewers: Partial<Record<Modality, ItemViewerComponent>> = {
  image: ImageItem,
  video: VideoItem,
  'image-sequence': ImageSequenceViewer,
  dicom: MedicalEditor,
  'dicom-series': MedicalEditor,
  nifti: MedicalEditor,
  pointcloud: LidarEditor,
  'pointcloud-sequence': LidarEditor,
};
