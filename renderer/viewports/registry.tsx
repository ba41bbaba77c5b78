/**
 * Which component shows (and edits) an item of each modality. Editors register here; ItemView
 * only looks things up, so new modalities do not touch it.
 */
import type { ComponentType } from 'react';
import type { ItemSummary, Modality } from '../../preload/contract';
import { MedicalEditor } from '../editors/medical/MedicalEditor';
import { LidarEditor } from '../editors/lidar/LidarEditor';
import { ImageEditor } from '../editors/image/ImageEditor';
import { ImageSequenceEditor } from '../editors/image/ImageSequenceEditor';
import { VideoEditor } from '../editors/video/VideoEditor';

export type ItemViewerComponent = ComponentType<{ item: ItemSummary }>;

const ImageItem: ItemViewerComponent = ({ item }) => <ImageEditor item={item} src={`/blob/item/${item.id}`} />;

export const viewers: Partial<Record<Modality, ItemViewerComponent>> = {
  image: ImageItem,
  video: VideoEditor,
  'image-sequence': ImageSequenceEditor,
  dicom: MedicalEditor,
  'dicom-series': MedicalEditor,
  nifti: MedicalEditor,
  pointcloud: LidarEditor,
  'pointcloud-sequence': LidarEditor,
};
