/**
 * The project store: the one interface behind which a project's mutable state lives, with two
 * back ends: the project folder (the zero-setup default, `folderStore.ts`) and PostgreSQL for teams
 * (`pgStore.ts`). Items themselves (the data files and their index) stay on the file system, which
 * every host serving a team mounts at the same path; the store holds what people change.
 *
 * Three kinds of state, each with revisions so a stale write is a CONFLICT, never a silent loss:
 * - documents: one annotation document per item (objects, review state, issues: core/document);
 * - records: small JSON values in named collections (the project's ontology and settings, jobs,
 *   leases, accounts, sessions, model library metadata ...), each with its own revision;
 * - events: an append-only change log with a sequence number; every write appends one, and every
 *   connected host hears it (folder: in-process; PostgreSQL: LISTEN/NOTIFY across hosts).
 *
 * Contract (checked by the conformance suite `store.conformance.ts`, run against both back ends):
 * - `expectedRevision` is the revision the caller read (0 = "does not exist yet"); when the stored
 *   revision differs the write throws DatumError('CONFLICT', ...) naming the stored revision, and
 *   nothing is written. A successful write returns the new revision (expectedRevision + 1).
 * - A write and its event are one atomic step: a crash (kill -9) leaves either both or neither.
 * - Values round-trip exactly: what `put` stored, `get` returns (deep-equal JSON).
 */
import type { ItemDocument } from '../../../core/document/schema';

export type StoreKind = 'folder' | 'postgres';

export interface Revisioned<T> {
  value: T;
  revision: number;
  /** ms since epoch of the write that made this revision. */
  updatedAt: number;
  /** Who wrote it (account name, or the local user's name on a folder). */
  updatedBy?: string;
}

/** Collection names are lower-case identifiers; record ids are short printable strings. */
export type CollectionName = string;

export interface StoreEvent {
  /** Strictly increasing per store; readers resume with `eventsSince(lastSeq)`. */
  seq: number;
  at: number;
  actor?: string;
  /** "document.saved", "record.put", "record.deleted", or an ephemeral kind ("presence"). */
  kind: string;
  /** For documents: the item id; for records: `${collection}/${id}`. */
  key: string;
  revision?: number;
  /** Small extra facts (the item's status after a save, ...): never the whole value. */
  data?: Record<string, unknown>;
  /** The store instance (host process) that wrote it: a host tells its own writes from others'. */
  origin?: string;
  /** Set on `broadcast()` events, which are not kept; their `seq` is the last kept event's. */
  ephemeral?: boolean;
}

export type StoreListener = (event: StoreEvent) => void;

export interface ProjectStore {
  readonly kind: StoreKind;
  /** Random per store instance; copied into the `origin` of every event this instance writes. */
  readonly origin: string;

  /** The document of an item, or null when none was ever saved. */
  loadDocument(itemId: string): Promise<Revisioned<ItemDocument> | null>;
  /** Compare-and-swap write; see the contract above. The document's own `revision` field is set to the result. */
  saveDocument(itemId: string, document: ItemDocument, expectedRevision: number, actor?: string): Promise<Revisioned<ItemDocument>>;
  /** Ids of every item with a saved document (for migration, packages, project-wide passes). */
  listDocumentIds(): Promise<string[]>;
  /** Revision and workflow status of every saved document (a host fills its item list with them). */
  documentStatuses(): Promise<Array<{ itemId: string; revision: number; status: string }>>;

  getRecord<T = unknown>(collection: CollectionName, id: string): Promise<Revisioned<T> | null>;
  /** Compare-and-swap write of a record (expectedRevision 0 = create; CONFLICT if it exists). */
  putRecord<T = unknown>(collection: CollectionName, id: string, value: T, expectedRevision: number, actor?: string): Promise<Revisioned<T>>;
  /** Compare-and-swap delete; CONFLICT when the revision moved on, NOT_FOUND when absent. */
  deleteRecord(collection: CollectionName, id: string, expectedRevision: number, actor?: string): Promise<void>;
  listRecords<T = unknown>(collection: CollectionName): Promise<Array<{ id: string } & Revisioned<T>>>;

  /** Events after `seq` (exclusive), oldest first, at most `limit`. Ephemeral events are not kept. */
  eventsSince(seq: number, limit?: number): Promise<StoreEvent[]>;
  /** Every event of this store, from this host or another one, as it happens. Returns unsubscribe. */
  subscribe(listener: StoreListener): () => void;
  /** An event that is delivered to every subscriber (all hosts) but not kept: presence, cursors. */
  broadcast(event: Omit<StoreEvent, 'seq' | 'at'>): Promise<void>;

  close(): Promise<void>;
}

/** A document exactly as stored: its JSON text (byte for byte) and revision facts. */
export interface RawDocument {
  itemId: string;
  text: string;
  revision: number;
  updatedAt: number;
  updatedBy?: string;
}

export interface RawRecord {
  collection: CollectionName;
  id: string;
  value: unknown;
  revision: number;
  updatedAt: number;
  updatedBy?: string;
}

/**
 * Moving a project between back ends (`datum project migrate`): exact texts, no compare-and-swap,
 * revisions kept as they are. Both back ends implement it.
 */
export interface StoreTransfer {
  readRawDocument(itemId: string): Promise<RawDocument | null>;
  /** Every record of every collection (the project's ontology and settings included). */
  listAllRecords(): Promise<RawRecord[]>;
  /**
   * Writes all of them, replacing what is there, and appends one "store.imported" event.
   * PostgreSQL: one transaction. Folder: every file written to a temporary name first, then
   * renamed, so a failure before the renames leaves the folder untouched.
   */
  importRaw(documents: RawDocument[], records: RawRecord[], actor?: string): Promise<void>;
}
