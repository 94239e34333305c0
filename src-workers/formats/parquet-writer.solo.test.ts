// The Parquet writer inside a worker thread, as the engine runs sinks: parquet-wasm
// must load there too (each thread instantiates its own wasm).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'ringscope-parquet-worker-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Runs under tsx in the worker (Node 20 workers cannot load .ts by themselves).
const WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
(async () => {
  const { register } = await import('tsx/esm/api');
  register();
  const { ParquetWriter } = await import(workerData.writer);
  const w = await ParquetWriter.open(workerData.path, { samples: 4250, fields: [{ name: 'chA', dtype: 'float32' }] }, { rowGroupEvents: 16 });
  const wave = new Float32Array(4250);
  for (let i = 0; i < 50; i++) {
    for (let k = 0; k < wave.length; k++) wave[k] = -480 + ((i * 31 + k) % 17) / 4;
    await w.append({ counter: i + 1, timestamp: 1700000000000 + i, deadtime: 0, fields: { chA: wave } });
  }
  await w.close();
  parentPort.postMessage({ rows: w.rows, bytes: w.bytes });
})().catch((e) => parentPort.postMessage({ error: String(e && e.stack || e) }));
`;

describe('ParquetWriter in a worker thread', () => {
  it('writes a valid file from two worker threads at once', async () => {
    const writer = pathToFileURL(join(import.meta.dirname, 'parquet-writer.ts')).href;
    const paths = [join(dir, 'a.parquet'), join(dir, 'b.parquet')];
    const results = await Promise.all(
      paths.map(
        (path) =>
          new Promise<{ rows?: number; bytes?: number; error?: string }>((resolve, reject) => {
            const w = new Worker(WORKER, { eval: true, workerData: { writer, path } });
            w.once('message', (m) => {
              resolve(m);
              void w.terminate();
            });
            w.once('error', reject);
          }),
      ),
    );
    for (const r of results) {
      expect(r.error).toBeUndefined();
      expect(r.rows).toBe(50);
      expect(r.bytes).toBeGreaterThan(0);
    }
    const db = await (await DuckDBInstance.create(':memory:')).connect();
    for (const p of paths) {
      const rows = (await db.runAndReadAll(`SELECT count(*) AS n, sum(len(chA)) AS s, max(chA[4250]) AS last FROM read_parquet('${p}')`)).getRowObjectsJS();
      expect(rows[0]).toEqual({ n: 50n, s: 50n * 4250n, last: -480 + 16 / 4 });
    }
  });
});
