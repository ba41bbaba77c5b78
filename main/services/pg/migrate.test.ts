import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { freshDatabase } from '../../../tests/support/pgCluster';
import { runMigrations, type Migration } from './migrate';

const db = await freshDatabase('migrate');
const skip = 'problem' in db ? db.problem : null;

describe.skipIf(skip)(`PostgreSQL migrations${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let pool: pg.Pool;
  beforeAll(() => {
    pool = new pg.Pool({ connectionString: (db as { url: string }).url, max: 8 });
    // An idle client told to go away (the database dropped at the end) must not crash the run,
    // as pgStore.ts does for the host.
    pool.on('error', () => {});
  });
  afterAll(async () => {
    await pool?.end();
    if (!('problem' in db)) await db.drop();
  });

  const v1: Migration[] = [
    { id: 'demo/001-things', sql: 'CREATE TABLE things (id text PRIMARY KEY)' },
    { id: 'demo/002-things-size', sql: 'ALTER TABLE things ADD COLUMN size int NOT NULL DEFAULT 0' },
  ];

  it('applies each migration once, even when hosts start at the same time', async () => {
    const runs = await Promise.all([runMigrations(pool, v1), runMigrations(pool, v1), runMigrations(pool, v1)]);
    expect(runs.flat().sort()).toEqual(['demo/001-things', 'demo/002-things-size']);
    expect(await runMigrations(pool, v1)).toEqual([]);
    const cols = await pool.query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'things' ORDER BY column_name`);
    expect(cols.rows.map((r) => r.column_name)).toEqual(['id', 'size']);
  });

  it('a failing migration names itself and leaves nothing half-applied', async () => {
    const bad: Migration[] = [...v1, { id: 'demo/003-ok', sql: 'CREATE TABLE other (x int)' }, { id: 'demo/004-bad', sql: 'ALTER TABLE nope ADD COLUMN y int' }];
    await expect(runMigrations(pool, bad)).rejects.toThrow(/demo\/004-bad/);
    const other = await pool.query(`SELECT to_regclass('other') AS t`);
    expect(other.rows[0].t).toBeNull();
    const ids = await pool.query('SELECT id FROM datum_migrations ORDER BY id');
    expect(ids.rows.map((r) => r.id)).toEqual(['demo/001-things', 'demo/002-things-size']);
  });

  it('refuses a list with a repeated id', async () => {
    await expect(runMigrations(pool, [v1[0], v1[0]])).rejects.toThrow(/twice/);
  });
});
