// The session's EngineLoader backed by the real engine (browser mode and the
// desktop engine host use it; unit tests give the session test/support/fake-engine.ts).
import type { SetupProblem } from '../../src-shared/bridge/protocol';
import { loadEngine } from '../engine/load';
import type { LoadedSetup } from '../setup/load';
import { describeSetup } from './describe-setup';
import type { EngineLoader } from './session';

/** A host's own checks of a loaded setup (browser mode: nothing read or written outside its roots). */
export type LoadedCheck = (loaded: LoadedSetup) => SetupProblem[];

/** An EngineLoader on the real engine; problems from `check` are added, and an error among them withholds the engine. */
export function makeEngineLoader(check?: LoadedCheck): EngineLoader {
  return async (setupPath, text) => {
    const r = await loadEngine(setupPath, text);
    const { loaded } = r;
    let engine = r.engine;
    let problems: SetupProblem[] = r.problems;
    const extra = engine && check ? check(loaded) : [];
    if (extra.length > 0) {
      problems = [...problems, ...extra];
      if (extra.some((p) => p.severity === 'error')) {
        await engine!.close();
        engine = null;
      }
    }
    const s = loaded.setup as { title?: unknown; description?: unknown } | undefined;
    return {
      engine,
      problems,
      about: {
        title: typeof s?.title === 'string' ? s.title : undefined,
        description: typeof s?.description === 'string' ? s.description : undefined,
        runevents: engine ? loaded.runevents : undefined,
        runtime: engine ? loaded.runtime : undefined,
        ...(engine ? describeSetup(loaded) : {}),
      },
    };
  };
}

/** Loads a setup (or a page's unsaved text for it) with the engine's loader, passing on its title and run limits. */
export const engineLoader: EngineLoader = makeEngineLoader();
