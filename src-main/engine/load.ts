// From a setup file to a ready Engine: load and validate (src-main/setup), then plan.
import { basename, dirname, extname } from 'node:path';
import type { Problem } from '../../src-shared/setup/types';
import { loadSetup, resolveSetup, SetupFile, type LoadedSetup } from '../setup';
import { Engine } from './engine';
import type { RunPlan } from './plan';
import { applyDisplayFunctions, pythonInit } from './python-plan';

/** The name a setup gives its run directories: the file name, or its folder's name for a generic setup.yaml. */
export function setupName(path: string): string {
  const stem = basename(path, extname(path));
  return stem === 'setup' ? basename(dirname(path)) || stem : stem;
}

/** Turns a loaded, error-free setup into the plan the engine runs. */
export function planFromSetup(loaded: LoadedSetup): RunPlan {
  const { setup } = loaded;
  const buffers = setup.buffers.map((b) => ({ name: b.name, slots: b.slots, samples: b.samples, fields: b.fields.map((f) => ({ ...f })), display: b.display }));
  applyDisplayFunctions(loaded, buffers);
  return {
    setupPath: loaded.path,
    setupName: setupName(loaded.path),
    outputDirectory: loaded.outputDirectory,
    runtime: loaded.runtime,
    runevents: loaded.runevents,
    buffers,
    // mimoCoRB's plotting functions do not run: the window shows their buffers.
    functions: setup.functions.filter((f) => !loaded.functions[f.name]?.display).map((f) => {
      const r = loaded.functions[f.name];
      return {
        name: f.name,
        fkt_name: f.fkt_name,
        builtin: f.builtin,
        moduleUrl: r.moduleUrl,
        python: pythonInit(r),
        num_process: f.num_process,
        assign: f.assign.map((a) => ({ ...a })),
        config: r.config,
        on_error: f.on_error,
      };
    }),
    snapshotFiles: [loaded.path, ...loaded.configFiles],
    setupText: loaded.file.text,
  };
}

/**
 * Loads a setup; the engine is null when any error stands (every problem is returned either way).
 * With `text`, that text is loaded as if it were the file at setupPath (the editor's unsaved edits).
 */
export async function loadEngine(setupPath: string, text?: string): Promise<{ engine: Engine | null; problems: Problem[]; loaded: LoadedSetup }> {
  const loaded = text === undefined ? await loadSetup(setupPath) : await resolveSetup(new SetupFile(setupPath, text));
  if (!loaded.ok) return { engine: null, problems: loaded.problems, loaded };
  return { engine: new Engine(planFromSetup(loaded)), problems: loaded.problems, loaded };
}
