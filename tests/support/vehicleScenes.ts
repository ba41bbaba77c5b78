/**
 * Every labelled vehicle in ../shared/data, as LiDAR-frame cuboids with their in-box point counts,
 * for fit / proposal evaluation (tests/tools/fit-eval.ts, the LiDAR bench): the KITTI object
 * frames, the KITTI tracking drive 0001 (parked rows), the camera-cropped KITTI frames, the
 * Argoverse 2 sweeps (label_json, the authoritative AV2 cuboids) and the SUSTech sequence.
 * Test/bench only.
 *
 * A view of proposalScenes.ts's loader (one reader of the labelled frames): the vehicles of each
 * scene, nuScenes left out as before. KITTI: Car and Van (not Truck or Tram); elsewhere every
 * vehicle class (AV2 regular and large vehicles, trucks, buses, trailers; SUSTech Car, Van, Bus,
 * Truck). Exactly the vehicles and point counts the former separate loader gave, duplicates
 * included: the proposal evaluation drops a label that duplicates an earlier one (BEV IoU >= 0.95:
 * two AV2 sweeps label one car twice), the fit evaluation keeps them so its n (151 vehicles with
 * >= 50 points) does not move under it.
 */
import type { Cuboid3D } from '../../core/document/schema';
import type { Cloud } from './lidarData';
import { loadLabelledScenes, type GtObject } from './proposalScenes';

export interface Vehicle {
  box: Cuboid3D;
  label: string;
  points: number;
}

export interface VehicleScene {
  dataset: string;
  frame: string;
  cloud: Cloud;
  vehicles: Vehicle[];
}

const isVehicle = (dataset: string, o: GtObject) => (dataset.startsWith('kitti') ? o.cls === 'car' : o.cls === 'car' || o.cls === 'vehicle');

export function loadVehicleScenes(): VehicleScene[] {
  return loadLabelledScenes({ keepDuplicateLabels: true })
    .filter((s) => s.dataset !== 'nuscenes')
    .map((s) => ({
      dataset: s.dataset,
      frame: s.frame,
      cloud: s.cloud,
      vehicles: s.objects.filter((o) => isVehicle(s.dataset, o)).map(({ label, box, points }) => ({ label, box, points })),
    }));
}
