/**
 * Which proposal class a project's label stands for, by name (datasets name classes differently:
 * KITTI `Car`/`Van`, Argoverse 2 `REGULAR_VEHICLE`, SUSTech `Car`/`ScooterRider`). Labels that no
 * proposal class covers (trucks, buses, misc) are `ignore`: a proposal on one is neither right nor
 * wrong, and such objects are not counted as missed. Pure.
 */
import type { ProposalClass } from '../lidar/sizePrior';

export type TargetClass = ProposalClass | 'ignore';

const CAR = /^(car|van|suv|sedan|regular[_ ]?vehicle|passenger[_ ]?car|vehicle\.car)$/;
const PEDESTRIAN = /^(pedestrian|person|person[_ ]?sitting|walker|human|child|adult)$/;
const CYCLIST = /^(cyclist|bicyclist|motorcyclist|rider|bicycle[_ ]?rider|motorcycle[_ ]?rider|scooter[_ ]?rider|bicyclerider|motorcyclerider|scooterrider)$/;

export function targetClassOf(label: string): TargetClass {
  const l = label.trim().toLowerCase();
  if (CAR.test(l)) return 'car';
  if (PEDESTRIAN.test(l)) return 'pedestrian';
  if (CYCLIST.test(l)) return 'cyclist';
  return 'ignore';
}

/** The proposal heads: `car` scores car hypotheses, `vru` pedestrian / cyclist ones. */
export const headOf = (c: TargetClass): 'car' | 'vru' | null => (c === 'car' ? 'car' : c === 'ignore' ? null : 'vru');
