/**
 * Which component shows (and edits) an item of each modality. Editors register here; ItemView
 * only looks things up, so new modalities do not touch it.
 */
import { useEffect, useState, type ComponentType } from 'react';
import { rpc } from '../../transport';
import { TILE_THRESHOLD, type TiledImage } from '../../viewports/ImageViewer';
import type { ItemSummary, Modality } from '../../../preload/contract';
import { MedicalEditor } from '../../editors/medical/MedicalEditor';
import { LidarEditor } from '../../editors/lidar/LidarEditor';
import { ImageEditor } from '../../editors/image/ImageEditor';
import { ImageSequenceEditor } from '../../editors/image/ImageSequenceEditor';
import { VideoEditor } from '../../editors/video/VideoEditor';
import { DicomColorEditor } from '../../editors/dicomColor/DicomColorEditor';

export type ItemViewerComponent = ComponentType<{ item: ItemSummary }>;

/**
 * Images: the size comes from the host first (header only) so a very large image is never
 * decoded whole in the renderer; above TILE_THRESHOLD px on a side the viewer shows tiles.
 */
const ImageItem: ItemViewerComponent = ({ item }) => {
  const [tiles, setTiles] = useState<TiledImage | null | undefined>(undefined);
  useEffect(() => {
    let live = true;
    setTiles(undefined);
    rpc
      .call('image.info', { itemId: item.id })
      // a GeoTIFF is always tiled: the browser cannot show 16-bit, float or multiband TIFFs itself
      .then((i) => live && setTiles(Math.max(i.width, i.height) > TILE_THRESHOLD || i.geo ? { itemId: item.id, ...i } : null))
      .catch(() => live && setTiles(null)); // a format the host cannot read: the browser tries the file
    return () => {
      live = false;
    };
  }, [item.id, item.mtime]);
  if (tiles === undefined) return <div className="image-viewer" data-testid="image-loading" />;
  return <ImageEditor item={item} src={tiles ? undefined : `/blob/item/${item.id}`} tiles={tiles} />;
};

/** A DICOM file: colour images (ItemSummary.dicom.color, from the indexer) get the image tools, the rest the medical viewer. */
const DicomItem: ItemViewerComponent = ({ item }) => (item.dicom?.color ? <DicomColorEditor item={item} /> : <MedicalEditor item={item} />);

export const viewers: Partial<Record<Modality, ItemViewerComponent>> = {
  image: ImageItem,
  video: VideoEditor,
  'image-sequence': ImageSequenceEditor,
  dicom: DicomItem,
  'dicom-series': MedicalEditor,
  nifti: MedicalEditor,
  pointcloud: LidarEditor,
  'pointcloud-sequence': LidarEditor,
};
