/** The pre-labelling bench's images: COCO 139, the six nuScenes camera JPEGs and three KITTI PNGs (real files). */
import { readdirSync } from 'node:fs';
import { DATA } from '../../../main/services/inference/testing/fixtures';

export function benchImages(): string[] {
  return [
    `${DATA}images/coco139/000000000139.jpg`,
    ...readdirSync(`${DATA}nuscenes`).filter((f) => f.endsWith('.jpg')).sort().map((f) => `${DATA}nuscenes/${f}`),
    ...readdirSync(`${DATA}kitti/image_2`).filter((f) => f.endsWith('.png')).sort().map((f) => `${DATA}kitti/image_2/${f}`),
  ];
}
