/**
 * Versioned schema migrations for the PostgreSQL back end, run at every host start. Each module
 * (the document store, accounts, jobs, ...) owns an ordered list of migrations with ids namespaced
 * by module ("store/001-documents"); applied ids are kept in `datum_migrations`. Hosts starting at
 * once on one database take a transaction-scoped advisory lock, so exactly one applies each step.
 * A migration, once released, is never edited: add a new one.
 */
import type { Pool, PoolClient } from 'pg';

export interface Migration {
  /** "<module>/<nnn>-<what>", unique and stable forever. */
  id: string;
  sql: string;
}

/** Arbitrary constant: the advisory lock key all Datum hosts agree on for migrations. */
const MIGRATION_LOCK = 0x6461_7475; // "datu"

/** Applies the migrations not yet applied, in order, each in its own transaction. Returns the ids it applied. */
export async function runMigrations(pool: Pool, migrations: readonly Migration[]): Promise<string[]> {
  const ids = new Set<string>();
  for (const m of migrations) {
    if (ids.has(m.id)) throw new Error(`migration id "${m.id}" appears twice`);
    ids.add(m.id);
  }
  const client: PoolClient = await pool.connect();
  const applied: string[] = [];
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS datum_migrations (
      id text PRIMARY KEY,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const done = new Set((await client.query<{ id: string }>('SELECT id FROM datum_migrations')).rows.map((r) => r.id));
    for (const m of migrations) {
      if (done.has(m.id)) continue;
      await client.query(`SAVEPOINT m`);
      try {
        await client.query(m.sql);
        await client.query('INSERT INTO datum_migrations (id) VALUES ($1)', [m.id]);
      } catch (e) {
        await client.query('ROLLBACK TO SAVEPOINT m');
        throw new Error(`database migration ${m.id} failed: ${(e as Error).message}`);
      }
      applied.push(m.id);
    }
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    client.release();
  }
  return applied;
}
