// DuckDB as the independent reader of exports in tests: one in-memory database
// per test file, queried with plain SQL, rows as JS objects.
import { DuckDBInstance } from '@duckdb/node-api';

export type Sql = (query: string) => Promise<Record<string, unknown>[]>;

/** Opens an in-memory DuckDB; returns its query function. */
export async function openDuckDb(): Promise<Sql> {
  const db = await (await DuckDBInstance.create(':memory:')).connect();
  return async (query) => (await db.runAndReadAll(query)).getRowObjectsJS() as Record<string, unknown>[];
}
