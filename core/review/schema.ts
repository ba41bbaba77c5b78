/**
 * Review workflow records: item status with who/when history, local profiles (a name and roles,
 * no accounts) and issue markers with comment threads. Zod only, so the document schema can
 * import from here without a cycle.
 */
import { z } from 'zod';

const finite = z.number().finite();

export const ItemStatus = z.enum(['new', 'in_progress', 'submitted', 'accepted', 'rejected']);
export type ItemStatus = z.infer<typeof ItemStatus>;

/** `manager`: team servers only (accounts, main/services/team): may do what both others may, and run the project. */
export const Role = z.enum(['annotator', 'reviewer', 'manager']);
export type Role = z.infer<typeof Role>;

/** A local profile: who is working at this machine. Kept with the preferences, not in projects. */
export const Profile = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  roles: z.array(Role).min(1),
});
export type Profile = z.infer<typeof Profile>;

/** One status change of an item. `by` is the profile name (documents travel between machines). */
export const StatusChange = z.object({
  from: ItemStatus,
  to: ItemStatus,
  by: z.string().min(1),
  at: z.number(),
  note: z.string().optional(),
});
export type StatusChange = z.infer<typeof StatusChange>;

export const IssueComment = z.object({ author: z.string().min(1), at: z.number(), text: z.string() });
export type IssueComment = z.infer<typeof IssueComment>;

/**
 * A reviewer's marker: on an item, optionally a frame, an object (or track) id, a 3D point
 * (LiDAR frame, metres) or a 2D region (image pixels). The first comment says what is wrong.
 */
export const IssueMarker = z.object({
  id: z.string().min(1),
  itemId: z.string(),
  frame: z.number().int().nonnegative().optional(),
  objectId: z.string().optional(),
  point3d: z.tuple([finite, finite, finite]).optional(),
  region2d: z.object({ x1: finite, y1: finite, x2: finite, y2: finite }).optional(),
  comments: z.array(IssueComment).default([]),
  status: z.enum(['open', 'resolved']).default('open'),
  /** The QA check that raised it, when it came from a finding. */
  check: z.string().optional(),
  resolvedBy: z.string().optional(),
  resolvedAt: z.number().optional(),
});
export type IssueMarker = z.infer<typeof IssueMarker>;

/** Local profiles as kept with the preferences: the list and the one in use. */
export const ProfilePrefs = z.object({
  profiles: z.array(Profile).default([]),
  active: z.string().optional(),
});
export type ProfilePrefs = z.infer<typeof ProfilePrefs>;
