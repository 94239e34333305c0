// Where the desktop app's runs write: the folder the user chose, else the
// setup's own output_directory — except for setups inside read-only folders
// (the examples shipped in a packaged app), which write to a fallback folder in
// the user's documents instead of failing at Start.
import type { EngineHandle, StartOptions } from '../../../engine/api';
import type { EngineLoader } from '../../../session/session';
import { isInside } from '../../../session/paths';
import type { OutputConfig } from './control';

/** The output folder for a run of `setupPath`, or undefined for the setup's own output_directory. */
export function outputDirectoryFor(setupPath: string, cfg: OutputConfig): string | undefined {
  if (cfg.directory) return cfg.directory;
  if (cfg.fallback && cfg.readOnlyRoots.some((r) => isInside(setupPath, r))) return cfg.fallback;
  return undefined;
}

/** An engine whose start() applies the output folder current at that moment (unless the caller names one). */
export function withOutputFolder(engine: EngineHandle, config: () => OutputConfig): EngineHandle {
  const start = (options: StartOptions = {}) =>
    engine.start({ ...options, outputDirectory: options.outputDirectory ?? outputDirectoryFor(engine.setupPath, config()) });
  return new Proxy(engine, {
    get(target, key) {
      if (key === 'start') return start;
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** Wraps a loader so every engine it creates writes where `config()` says at each Start. */
export function loaderWithOutputFolder(load: EngineLoader, config: () => OutputConfig): EngineLoader {
  return async (setupPath, text) => {
    const r = text === undefined ? await load(setupPath) : await load(setupPath, text);
    return { ...r, engine: r.engine ? withOutputFolder(r.engine, config) : null };
  };
}
