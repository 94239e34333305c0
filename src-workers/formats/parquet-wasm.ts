// parquet-wasm (parquet-rs compiled to WebAssembly), loaded once per thread:
// the Parquet writer, the replay reader and `ringscope fit` all read or write through it.
import type * as ParquetWasm from 'parquet-wasm';

/** The parquet-wasm module's exports. */
export type ParquetWasmModule = typeof ParquetWasm;
let loaded: Promise<ParquetWasmModule> | null = null;

/**
 * parquet-wasm, ready to use. Node (main thread and worker threads) resolves
 * the package's "node" entry, CommonJS that instantiates its wasm synchronously
 * from its own folder. Anything that resolves the ESM build instead (a bundler
 * without the "node" condition) gets that build initialised from its .wasm file.
 */
export function loadParquetWasm(): Promise<ParquetWasmModule> {
  loaded ??= (async () => {
    const mod = (await import('parquet-wasm')) as ParquetWasmModule & { default?: unknown };
    try {
      new mod.WriterPropertiesBuilder().free();
      return mod;
    } catch {
      const { readFile } = await import('node:fs/promises');
      const { createRequire } = await import('node:module');
      const wasmPath = createRequire(import.meta.url).resolve('parquet-wasm/esm/parquet_wasm_bg.wasm');
      const init = mod.default as (arg: { module_or_path: Uint8Array }) => Promise<unknown>;
      await init({ module_or_path: await readFile(wasmPath) });
      return mod;
    }
  })();
  return loaded;
}
