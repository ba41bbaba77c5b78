/**
 * Which component shows (and edits) an item of each modality. Editors register here; ItemView
 * only looks things up, so new modalities do not touch it.
 */
import type { ComponentType } from 'react';
import type { ItemSummary, Modality } from '../../preload/contract';
import { ImageEditor } from '../editors/image/ImageEditor';
import { ImageSequenceEditor } from '../editors/image/ImageSequenceEditor';
import { VideoEditor } from '../editors/video/VideoEditor';
import { PointCloudViewer } from './PointCloudViewer';

export type ItemViewerComponent = ComponentType<{ item: ItemSummary }>;

const ImageItem: ItemViewerComponent = ({ item }) => <ImageEditor item={item} src={`/blob/item/${item.id}`} />;

export const viewers: Partial<Record<Modality, ItemViewerComponent>> = {
  image: ImageItem,
  video: VideoEditor,
  'image-sequence': ImageSequenceEditor,
  pointcloud: PointCloudViewer,
  'pointcloud-sequence': PointCloudViewer,
};
