/**
 * Who may call what on a team server. Every method of the contract has an entry in PERMISSIONS
 * (the type makes a missing one a compile error, and permissions.test.ts fails at run time too),
 * so a new method cannot reach the team server unclassified. The roles nest:
 *
 *   annotator  reads everything, labels, moves items through new / in progress / submitted,
 *              raises and discusses issues;
 *   reviewer   + accepts and rejects, pre-labels, exports;
 *   manager    + the project itself: ontology, settings, sources, models, training.
 * Nobody opens, creates or closes projects on a team server: it serves the one it started with.
 *
 * `guardRouter` enforces the table in one place, on every call of every connection, before the
 * router validates and dispatches it, and replaces the identity a client names (the review
 * profile, the `author` stamped on edits and issues) with the signed-in account: on a team server
 * nobody signs work with someone else's name.
 */
import { contract, isMethodName, type MethodName } from '../../../preload/contract';
import type { Caller, Router } from '../../rpc/router';
import { DatumError } from '../../rpc/errors';
import type { TeamRole } from './accounts';
import { WORK_PERMISSIONS } from './workPermissions';

const RANK: Record<TeamRole, number> = { annotator: 0, reviewer: 1, manager: 2 };

export interface Rule {
  /** The least role that may call the method. */
  min: TeamRole;
  /** Refused to everyone on a team server, with the reason (what only a single-user host does). */
  never?: string;
  /** A stricter need that depends on the (validated) input, with what it is about. */
  byInput?: (input: Record<string, unknown>) => { min: TeamRole; what: string } | null;
}

const read: Rule = { min: 'annotator' };
const annotate: Rule = { min: 'annotator' };
const review: Rule = { min: 'reviewer' };
const manage: Rule = { min: 'manager' };
// Accounts and sessions live in the served project's store: switching projects would switch the
// team's accounts under everyone's feet.
const serverProject: Rule = { min: 'manager', never: 'a team server serves the project it was started with; restart datum serve to serve another' };

export const PERMISSIONS: { readonly [M in MethodName]: Rule } = {
  // Jobs, leases and presence (workPermissions.ts); the services check the finer rules (own job, own review).
  ...WORK_PERMISSIONS,
  // Task packages: reading one is harmless; exporting a batch and merging work back are a reviewer's.
  'package.inspect': { min: 'annotator' },
  'package.export': { min: 'reviewer' },
  'package.merge': { min: 'reviewer' },
  'app.info': read,
  // Desktop host only (UNSUPPORTED on a server): opens a window on the user's own machine.
  'app.connectTeamServer': read,
  'project.current': read,
  'project.open': serverProject,
  'project.create': serverProject,
  'project.openDemo': serverProject,
  'project.pickFolder': manage,
  'project.grantSources': manage,
  'project.revokeSource': manage,
  'project.close': serverProject,
  'project.updateOntology': manage,
  'project.updateSettings': manage,
  // Re-reads the sources the project already names (the app runs it when the index is stale):
  // it changes no one's work, so anyone signed in may run it.
  'index.refresh': read,
  'items.list': read,
  'items.get': read,
  'annotations.load': read,
  'annotations.save': annotate,
  'image.info': read,
  'geo.exportGeoJson': review,
  'geo.export': review,
  'geo.displayRanges': read,
  'geo.compareCandidates': read,
  // Splitting a scene makes items and assigns them: a manager's job.
  'geo.split': manage,
  // Imported labels become the item's objects: labelling work.
  'geo.import': annotate,
  'medical.open': read,
  'medical.loadLabelmap': read,
  'medical.saveLabelmap': annotate,
  'medical.exportSeg': review,
  'medical.exportNifti': review,
  'medical.importSeg': annotate,
  'medical.exportRtstruct': review,
  'medical.importRtstruct': annotate,
  // The header without identifying values is for everyone; names, IDs and dates only for reviewers up.
  'medical.tags': { min: 'annotator', byInput: (input) => (input.reveal === true ? { min: 'reviewer', what: 'identifying DICOM values' } : null) },
  'medical.importNifti': annotate,
  // Connection-scoped in the router: one can cancel only one's own jobs.
  'jobs.cancel': read,
  'models.list': read,
  'models.import': manage,
  'models.graph': read,
  'training.backends': read,
  'training.start': manage,
  'training.versions': read,
  'training.promote': manage,
  'training.rollback': manage,
  'prelabel.run': review,
  // Interactive assistance on one item: compute, no write.
  'sam.embed': annotate,
  'sam.segment': annotate,
  'review.pending': read,
  'qa.run': read,
  'review.transition': {
    min: 'annotator',
    byInput: (input) => (input.to === 'accepted' || input.to === 'rejected' ? { min: 'reviewer', what: `moving an item to ${input.to}` } : null),
  },
  'review.addIssue': annotate,
  'review.commentIssue': annotate,
  'review.resolveIssue': annotate,
  'review.reopenIssue': annotate,
  'review.queue': read,
  'review.metrics': read,
};

export function atLeast(role: TeamRole, min: TeamRole): boolean {
  return RANK[role] >= RANK[min];
}

/** Throws FORBIDDEN naming the role and the method when `caller` may not make this call. */
export function authorize(caller: Caller, method: string, input: unknown): void {
  if (!isMethodName(method)) return; // the router answers BAD_REQUEST
  const rule: Rule | undefined = (PERMISSIONS as Record<string, Rule | undefined>)[method];
  if (!rule) throw new DatumError('FORBIDDEN', `${method} is not classified for team servers; nobody may call it`);
  const fail = (min: TeamRole, what: string) => {
    throw new DatumError('FORBIDDEN', `${caller.name} is ${article(caller.role)} ${caller.role}: ${what} needs the ${min} role`);
  };
  if (rule.never) throw new DatumError('FORBIDDEN', `${method}: ${rule.never}`);
  if (!atLeast(caller.role, rule.min)) fail(rule.min, method);
  if (rule.byInput && input && typeof input === 'object') {
    const need = rule.byInput(input as Record<string, unknown>);
    if (need && !atLeast(caller.role, need.min)) fail(need.min, `${method} (${need.what})`);
  }
}

/** Workflow roles (core/review) of a team account: a manager may do what both others may. */
export function workflowRoles(role: TeamRole): Array<'annotator' | 'reviewer' | 'manager'> {
  if (role === 'manager') return ['annotator', 'reviewer', 'manager'];
  if (role === 'reviewer') return ['annotator', 'reviewer'];
  return ['annotator'];
}

/**
 * The request with the signed-in account in place of any identity the client named: `profile`
 * (review.transition) and `author` (saves, issues). Methods without either pass unchanged.
 */
export function bindIdentity(caller: Caller, method: string, params: unknown): unknown {
  if (!params || typeof params !== 'object' || !isMethodName(method)) return params;
  const p = { ...(params as Record<string, unknown>) };
  const shape = (contract[method].input as unknown as { shape?: Record<string, unknown> }).shape ?? {};
  if ('profile' in shape) p.profile = { id: caller.accountId, name: caller.name, roles: workflowRoles(caller.role) };
  if ('author' in shape) p.author = caller.name;
  return p;
}

/** HTTP routes of a team server (bytes: blobs, thumbnails, tiles, volumes) are reads. */
export function httpRouteRole(method: string, pathname: string): TeamRole | null {
  if ((method === 'GET' || method === 'HEAD') && (pathname.startsWith('/blob/') || pathname.startsWith('/thumb/'))) return 'annotator';
  return null;
}

/**
 * The router every team-server connection goes through: each call is authorized for the
 * connection's caller, then signed with its identity. A connection without a caller is refused
 * outright (the host never makes one when accounts are on; this is the belt to that brace).
 */
export function guardRouter(router: Router): Router {
  return {
    connect(emit, caller) {
      const conn = router.connect(emit, caller);
      return {
        async call(method, params) {
          if (!caller) return { error: { code: 'FORBIDDEN', message: 'sign in first' } };
          if (isMethodName(method)) {
            // Rules that look at the input see what the handler will get: parsed by the contract
            // (defaults applied); a malformed request is left to the router's BAD_REQUEST. Only
            // those are parsed here: a document save is not worth parsing twice.
            const parsed = PERMISSIONS[method].byInput ? contract[method].input.safeParse(params ?? {}) : null;
            try {
              authorize(caller, method, parsed?.success ? parsed.data : params);
            } catch (err) {
              return { error: { code: 'FORBIDDEN', message: (err as Error).message } };
            }
          }
          return conn.call(method, bindIdentity(caller, method, params));
        },
        close: () => conn.close(),
      };
    },
  };
}

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}
