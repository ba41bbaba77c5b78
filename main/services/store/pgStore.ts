/**
 * The PostgreSQL back end of the project store, for teams: several `datum serve` processes (behind
 * a load balancer, or one per site) share one database; items stay on a shared file system path.
 *
 * - Compare-and-swap is `UPDATE ... WHERE revision = $n` (an insert for revision 0, whose
 *   ON CONFLICT only replaces a row still at revision 0); no row changed = CONFLICT.
 * - A write, its event row and `NOTIFY datum_events, '<seq>'` are one transaction (one statement,
 *   one round trip): both or neither.
 * - Event order: the event insert takes a transaction-scoped advisory lock, so events commit in
 *   seq order. A reader that has seen seq N has therefore seen every event before N, and
 *   "everything after the last seq I delivered" never skips one that commits late.
 * - Delivery: one dedicated LISTEN connection per store (reconnected when it drops); a
 *   notification (or this host's own write) wakes a single reader that fetches events after the
 *   last delivered seq, so subscribers get every event once, in seq order, from every host.
 * - broadcast(): NOTIFY with the whole (small) event as JSON; nothing is kept.
 * - Documents are kept as their exact JSON text (`body`), the same bytes the folder back end writes.
 */
import pg from 'pg';
import { randomUUID } from 'node:crypto';
import type { ItemDocument } from '../../../core/document/schema';
import { DatumError } from '../../rpc/errors';
import { migrateDocument } from '../documentFile';
import { runMigrations, type Migration } from '../pg/migrate';
import { checkExpected, checkItemId, checkRecordKey, documentConflict, documentText, recordConflict, recordMissing } from './common';
import type { ProjectStore, RawDocument, RawRecord, Revisioned, StoreEvent, StoreListener, StoreTransfer } from './types';

export const STORE_MIGRATIONS: Migration[] = [
  {
    id: 'store/001-documents-records-events',
    sql: `
      CREATE TABLE documents (
        item_id text PRIMARY KEY,
        revision integer NOT NULL,
        body text NOT NULL,
        status text NOT NULL,
        updated_at bigint NOT NULL,
        updated_by text
      );
      CREATE TABLE records (
        collection text NOT NULL,
        id text NOT NULL,
        revision integer NOT NULL,
        value jsonb NOT NULL,
        updated_at bigint NOT NULL,
        updated_by text,
        PRIMARY KEY (collection, id)
      );
      CREATE TABLE events (
        seq bigserial PRIMARY KEY,
        at bigint NOT NULL,
        origin text,
        actor text,
        kind text NOT NULL,
        key text NOT NULL,
        revision integer,
        data jsonb
      );`,
  },
];

export const EVENTS_CHANNEL = 'datum_events';
/** Advisory lock key that orders event commits (different from the migrations' key). */
const EVENTS_LOCK = 0x6461_7476;
/** NOTIFY payloads must stay under 8000 bytes. */
const MAX_BROADCAST_BYTES = 7000;

export interface PgStoreOptions {
  /** Connections in the pool (default 10). */
  poolSize?: number;
  /** Logs reconnects of the LISTEN connection (default: stderr). */
  log?: (line: string) => void;
}

type EventRow = { seq: string; at: string; origin: string | null; actor: string | null; kind: string; key: string; revision: number | null; data: Record<string, unknown> | null };

function eventOf(r: EventRow): StoreEvent {
  const e: StoreEvent = { seq: Number(r.seq), at: Number(r.at), kind: r.kind, key: r.key };
  if (r.origin !== null) e.origin = r.origin;
  if (r.actor !== null) e.actor = r.actor;
  if (r.revision !== null) e.revision = r.revision;
  if (r.data !== null) e.data = r.data;
  return e;
}

/** Where a URL points, without its password (for messages and logs). */
export function describeDatabase(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    return u.toString();
  } catch {
    return 'the database';
  }
}

export class PgStore implements ProjectStore, StoreTransfer {
  readonly kind = 'postgres' as const;
  readonly origin = randomUUID();
  private readonly listeners = new Set<StoreListener>();
  private listenClient: pg.Client | null = null;
  private closed = false;
  /** Last seq delivered to subscribers. */
  private delivered = 0;
  private pumping: Promise<void> | null = null;
  private pumpAgain = false;
  private reconnectDelay = 100;
  private readonly log: (line: string) => void;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly url: string,
    opts: PgStoreOptions,
  ) {
    this.log = opts.log ?? ((line) => process.stderr.write(line + '\n'));
  }

  /** Connects, applies the store's migrations, starts listening. Throws a DatumError naming the database when it cannot. */
  static async open(url: string, opts: PgStoreOptions = {}): Promise<PgStore> {
    const pool = new pg.Pool({ connectionString: url, max: opts.poolSize ?? 10 });
    // An idle client dropped by the server must not crash the host; the next query reconnects.
    pool.on('error', () => {});
    const store = new PgStore(pool, url, opts);
    try {
      await runMigrations(pool, STORE_MIGRATIONS);
      store.delivered = Number((await pool.query<{ s: string }>('SELECT coalesce(max(seq), 0) AS s FROM events')).rows[0].s);
      await store.listen();
    } catch (e) {
      await pool.end().catch(() => {});
      throw new DatumError('UNSUPPORTED', `cannot use ${describeDatabase(url)}: ${(e as Error).message}`);
    }
    return store;
  }

  // ---- LISTEN / delivery --------------------------------------------------------------------

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url });
    client.on('notification', (msg) => {
      const payload = msg.payload ?? '';
      if (payload.startsWith('{')) this.deliverEphemeral(payload);
      else this.pump();
    });
    const lost = () => {
      if (this.listenClient !== client) return;
      this.listenClient = null;
      client.end().catch(() => {});
      if (!this.closed) this.reconnect();
    };
    client.on('error', lost);
    client.on('end', lost);
    await client.connect();
    await client.query(`LISTEN ${EVENTS_CHANNEL}`);
    this.listenClient = client;
    this.reconnectDelay = 100;
    // Anything committed while we were not listening.
    this.pump();
  }

  private reconnect(): void {
    const delay = this.reconnectDelay;
    this.reconnectDelay = Math.min(this.reconnectDelay * 2, 5000);
    setTimeout(() => {
      if (this.closed) return;
      this.listen().catch((e) => {
        this.log(`datum: lost the event connection to ${describeDatabase(this.url)} (${(e as Error).message}); retrying`);
        this.reconnect();
      });
    }, delay).unref();
  }

  /** Fetches and delivers events after the last delivered one; one reader at a time. */
  private pump(): void {
    if (this.closed) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = (async () => {
      try {
        do {
          this.pumpAgain = false;
          for (;;) {
            const rows = await this.pool.query<EventRow>('SELECT * FROM events WHERE seq > $1 ORDER BY seq LIMIT 500', [this.delivered]);
            for (const r of rows.rows) {
              const e = eventOf(r);
              this.delivered = e.seq;
              this.deliver(e);
            }
            if (rows.rows.length < 500) break;
          }
        } while (this.pumpAgain && !this.closed);
      } catch (e) {
        // The pool reconnects; the next notification (or the listener's reconnect) retries.
        if (!this.closed) this.log(`datum: could not read events from ${describeDatabase(this.url)}: ${(e as Error).message}`);
      } finally {
        this.pumping = null;
      }
    })();
  }

  private deliver(event: StoreEvent): void {
    for (const l of [...this.listeners]) {
      try {
        l(event);
      } catch {
        /* one listener's failure must not stop the others */
      }
    }
  }

  private deliverEphemeral(payload: string): void {
    try {
      this.deliver({ ...(JSON.parse(payload) as StoreEvent), ephemeral: true });
    } catch {
      /* not ours */
    }
  }

  /** Waits until everything committed so far has been delivered (tests, orderly shutdown). */
  async settle(): Promise<void> {
    this.pump();
    while (this.pumping) await this.pumping;
  }

  // ---- transactions -------------------------------------------------------------------------

  private async tx<T>(f: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN');
      const out = await f(c);
      await c.query('COMMIT');
      return out;
    } catch (e) {
      await c.query('ROLLBACK').catch(() => {});
      throw e;
    } finally {
      c.release();
    }
  }

  /**
   * One write as one statement (one round trip, its own transaction): `change` is a data-modifying
   * statement that RETURNs a row when the compare-and-swap matched; only then are the events lock
   * taken, the event row inserted (its seq drawn after the lock) and NOTIFY sent, all committed
   * together. Returns the new seq, or null when nothing matched (the caller reports the CONFLICT).
   */
  private async writeWithEvent(change: string, params: unknown[], e: { kind: string; key: string; revision: number; actor?: string; data?: Record<string, unknown> }, at: number): Promise<number | null> {
    const n = params.length;
    const r = await this.pool.query<{ seq: string }>(
      `WITH changed AS (${change}),
       locked AS (SELECT pg_advisory_xact_lock($${n + 1}) FROM changed),
       ins AS (
         INSERT INTO events (at, origin, actor, kind, key, revision, data)
         SELECT $${n + 2}::bigint, $${n + 3}::text, $${n + 4}::text, $${n + 5}::text, $${n + 6}::text, $${n + 7}::int, $${n + 8}::jsonb FROM locked
         RETURNING seq
       )
       SELECT seq, pg_notify('${EVENTS_CHANNEL}', seq::text) FROM ins`,
      [...params, EVENTS_LOCK, at, this.origin, e.actor ?? null, e.kind, e.key, e.revision, e.data === undefined ? null : JSON.stringify(e.data)],
    );
    return r.rows[0] ? Number(r.rows[0].seq) : null;
  }

  /** Inside a write's transaction: the event row and its NOTIFY, in commit order (see the top). */
  private async appendEvent(c: pg.PoolClient, e: { kind: string; key: string; revision?: number; actor?: string; data?: Record<string, unknown> }, at: number): Promise<number> {
    await c.query('SELECT pg_advisory_xact_lock($1)', [EVENTS_LOCK]);
    const r = await c.query<{ seq: string }>(
      `WITH ins AS (
         INSERT INTO events (at, origin, actor, kind, key, revision, data) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb) RETURNING seq
       ) SELECT seq, pg_notify('${EVENTS_CHANNEL}', seq::text) FROM ins`,
      [at, this.origin, e.actor ?? null, e.kind, e.key, e.revision ?? null, e.data === undefined ? null : JSON.stringify(e.data)],
    );
    return Number(r.rows[0].seq);
  }

  // ---- documents ----------------------------------------------------------------------------

  async loadDocument(itemId: string): Promise<Revisioned<ItemDocument> | null> {
    checkItemId(itemId);
    const r = await this.pool.query<{ body: string; revision: number; updated_at: string; updated_by: string | null }>(
      'SELECT body, revision, updated_at, updated_by FROM documents WHERE item_id = $1',
      [itemId],
    );
    const row = r.rows[0];
    if (!row) return null;
    const value = migrateDocument(row.body, `document ${itemId} in ${describeDatabase(this.url)}`);
    const out: Revisioned<ItemDocument> = { value, revision: row.revision, updatedAt: Number(row.updated_at) };
    if (row.updated_by !== null) out.updatedBy = row.updated_by;
    return out;
  }

  async saveDocument(itemId: string, document: ItemDocument, expectedRevision: number, actor?: string): Promise<Revisioned<ItemDocument>> {
    checkItemId(itemId);
    checkExpected(expectedRevision);
    if (document.itemId !== itemId) throw new DatumError('BAD_REQUEST', `document is for item ${document.itemId}, not ${itemId}`);
    const updatedAt = Date.now();
    const revision = expectedRevision + 1;
    const { text, value } = documentText(document, updatedAt, revision);
    const params = [itemId, revision, text, document.status, updatedAt, actor ?? null, expectedRevision];
    const change =
      expectedRevision === 0
        ? `INSERT INTO documents (item_id, revision, body, status, updated_at, updated_by) VALUES ($1::text, $2::int, $3::text, $4::text, $5::bigint, $6::text)
           ON CONFLICT (item_id) DO UPDATE SET revision = EXCLUDED.revision, body = EXCLUDED.body, status = EXCLUDED.status,
             updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by
           WHERE documents.revision = $7::int RETURNING 1`
        : `UPDATE documents SET revision = $2::int, body = $3::text, status = $4::text, updated_at = $5::bigint, updated_by = $6::text
           WHERE item_id = $1::text AND revision = $7::int RETURNING 1`;
    const seq = await this.writeWithEvent(change, params, { kind: 'document.saved', key: itemId, revision, actor, data: { status: document.status } }, updatedAt);
    if (seq === null) {
      const cur = await this.pool.query<{ revision: number }>('SELECT revision FROM documents WHERE item_id = $1', [itemId]);
      throw documentConflict(itemId, cur.rows[0]?.revision ?? null, expectedRevision);
    }
    this.pump();
    const out: Revisioned<ItemDocument> = { value, revision, updatedAt };
    if (actor !== undefined) out.updatedBy = actor;
    return out;
  }

  async listDocumentIds(): Promise<string[]> {
    return (await this.pool.query<{ item_id: string }>('SELECT item_id FROM documents ORDER BY item_id')).rows.map((r) => r.item_id);
  }

  async documentStatuses(): Promise<Array<{ itemId: string; revision: number; status: string }>> {
    const r = await this.pool.query<{ item_id: string; revision: number; status: string }>('SELECT item_id, revision, status FROM documents ORDER BY item_id');
    return r.rows.map((x) => ({ itemId: x.item_id, revision: x.revision, status: x.status }));
  }

  // ---- records ------------------------------------------------------------------------------

  async getRecord<T = unknown>(collection: string, id: string): Promise<Revisioned<T> | null> {
    checkRecordKey(collection, id);
    const r = await this.pool.query('SELECT value, revision, updated_at, updated_by FROM records WHERE collection = $1 AND id = $2', [collection, id]);
    const row = r.rows[0];
    if (!row) return null;
    const out: Revisioned<T> = { value: row.value as T, revision: row.revision, updatedAt: Number(row.updated_at) };
    if (row.updated_by !== null) out.updatedBy = row.updated_by;
    return out;
  }

  async putRecord<T = unknown>(collection: string, id: string, value: T, expectedRevision: number, actor?: string): Promise<Revisioned<T>> {
    checkRecordKey(collection, id);
    checkExpected(expectedRevision);
    if (value === undefined) throw new DatumError('BAD_REQUEST', `${collection}/${id}: a record needs a value`);
    const updatedAt = Date.now();
    const revision = expectedRevision + 1;
    const params = [collection, id, revision, JSON.stringify(value), updatedAt, actor ?? null, expectedRevision];
    const change =
      expectedRevision === 0
        ? `INSERT INTO records (collection, id, revision, value, updated_at, updated_by) VALUES ($1::text, $2::text, $3::int, $4::jsonb, $5::bigint, $6::text)
           ON CONFLICT (collection, id) DO UPDATE SET revision = EXCLUDED.revision, value = EXCLUDED.value,
             updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by
           WHERE records.revision = $7::int RETURNING 1`
        : `UPDATE records SET revision = $3::int, value = $4::jsonb, updated_at = $5::bigint, updated_by = $6::text
           WHERE collection = $1::text AND id = $2::text AND revision = $7::int RETURNING 1`;
    const seq = await this.writeWithEvent(change, params, { kind: 'record.put', key: `${collection}/${id}`, revision, actor }, updatedAt);
    if (seq === null) {
      const cur = await this.pool.query<{ revision: number }>('SELECT revision FROM records WHERE collection = $1 AND id = $2', [collection, id]);
      throw recordConflict(collection, id, cur.rows[0]?.revision ?? null, expectedRevision);
    }
    this.pump();
    const out: Revisioned<T> = { value, revision, updatedAt };
    if (actor !== undefined) out.updatedBy = actor;
    return out;
  }

  async deleteRecord(collection: string, id: string, expectedRevision: number, actor?: string): Promise<void> {
    checkRecordKey(collection, id);
    checkExpected(expectedRevision);
    const seq = await this.writeWithEvent(
      'DELETE FROM records WHERE collection = $1::text AND id = $2::text AND revision = $3::int RETURNING 1',
      [collection, id, expectedRevision],
      { kind: 'record.deleted', key: `${collection}/${id}`, revision: expectedRevision + 1, actor },
      Date.now(),
    );
    if (seq === null) {
      const cur = await this.pool.query<{ revision: number }>('SELECT revision FROM records WHERE collection = $1 AND id = $2', [collection, id]);
      if (!cur.rows[0]) throw recordMissing(collection, id);
      throw recordConflict(collection, id, cur.rows[0].revision, expectedRevision);
    }
    this.pump();
  }

  async listRecords<T = unknown>(collection: string): Promise<Array<{ id: string } & Revisioned<T>>> {
    checkRecordKey(collection, 'x');
    const r = await this.pool.query('SELECT id, value, revision, updated_at, updated_by FROM records WHERE collection = $1 ORDER BY id COLLATE "C"', [collection]);
    return r.rows.map((row) => {
      const out: { id: string } & Revisioned<T> = { id: row.id, value: row.value as T, revision: row.revision, updatedAt: Number(row.updated_at) };
      if (row.updated_by !== null) out.updatedBy = row.updated_by;
      return out;
    });
  }

  // ---- events -------------------------------------------------------------------------------

  async eventsSince(seq: number, limit = 1000): Promise<StoreEvent[]> {
    const r = await this.pool.query<EventRow>('SELECT * FROM events WHERE seq > $1 ORDER BY seq LIMIT $2', [seq, limit]);
    return r.rows.map(eventOf);
  }

  subscribe(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async broadcast(event: Omit<StoreEvent, 'seq' | 'at'>): Promise<void> {
    const payload = JSON.stringify({ ...event, seq: this.delivered, at: Date.now(), origin: this.origin, ephemeral: true });
    if (Buffer.byteLength(payload) > MAX_BROADCAST_BYTES) throw new DatumError('BAD_REQUEST', `a broadcast event must stay under ${MAX_BROADCAST_BYTES} bytes of JSON`);
    await this.pool.query('SELECT pg_notify($1, $2)', [EVENTS_CHANNEL, payload]);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.pumping) await this.pumping;
    const c = this.listenClient;
    this.listenClient = null;
    await c?.end().catch(() => {});
    this.listeners.clear();
    await this.pool.end().catch(() => {});
  }

  // ---- transfer (datum project migrate) -----------------------------------------------------

  async readRawDocument(itemId: string): Promise<RawDocument | null> {
    checkItemId(itemId);
    const r = await this.pool.query('SELECT body, revision, updated_at, updated_by FROM documents WHERE item_id = $1', [itemId]);
    const row = r.rows[0];
    if (!row) return null;
    const out: RawDocument = { itemId, text: row.body, revision: row.revision, updatedAt: Number(row.updated_at) };
    if (row.updated_by !== null) out.updatedBy = row.updated_by;
    return out;
  }

  async listAllRecords(): Promise<RawRecord[]> {
    const r = await this.pool.query('SELECT collection, id, value, revision, updated_at, updated_by FROM records ORDER BY collection, id COLLATE "C"');
    return r.rows.map((row) => {
      const out: RawRecord = { collection: row.collection, id: row.id, value: row.value, revision: row.revision, updatedAt: Number(row.updated_at) };
      if (row.updated_by !== null) out.updatedBy = row.updated_by;
      return out;
    });
  }

  async importRaw(documents: RawDocument[], records: RawRecord[], actor?: string): Promise<void> {
    for (const d of documents) checkItemId(d.itemId);
    for (const r of records) checkRecordKey(r.collection, r.id);
    const statusOf = (text: string) => {
      try {
        const s = (JSON.parse(text) as { status?: unknown }).status;
        return typeof s === 'string' ? s : 'new';
      } catch {
        return 'new';
      }
    };
    await this.tx(async (c) => {
      // In batches: unnest() turns parallel arrays into rows, one round trip per batch.
      for (let i = 0; i < documents.length; i += 500) {
        const b = documents.slice(i, i + 500);
        await c.query(
          `INSERT INTO documents (item_id, revision, body, status, updated_at, updated_by)
           SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::bigint[], $6::text[])
           ON CONFLICT (item_id) DO UPDATE SET revision = EXCLUDED.revision, body = EXCLUDED.body, status = EXCLUDED.status,
             updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by`,
          [b.map((d) => d.itemId), b.map((d) => d.revision), b.map((d) => d.text), b.map((d) => statusOf(d.text)), b.map((d) => Math.round(d.updatedAt)), b.map((d) => d.updatedBy ?? null)],
        );
      }
      for (const r of records) {
        await c.query(
          `INSERT INTO records (collection, id, revision, value, updated_at, updated_by) VALUES ($1, $2, $3, $4::jsonb, $5, $6)
           ON CONFLICT (collection, id) DO UPDATE SET revision = EXCLUDED.revision, value = EXCLUDED.value,
             updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by`,
          [r.collection, r.id, r.revision, JSON.stringify(r.value), Math.round(r.updatedAt), r.updatedBy ?? null],
        );
      }
      await this.appendEvent(c, { kind: 'store.imported', key: '*', actor, data: { documents: documents.length, records: records.length } }, Date.now());
    });
    this.pump();
  }
}
