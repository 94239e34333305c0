// The session's EngineLoader backed by the real engine (browser mode and the
// desktop engine host use it; unit tests give the session test/support/fake-engine.ts).
import { loadEngine } from '../engine/load';
import type { EngineLoader } from './session';

/** Loads a setup (or a page's unsaved text for it) with the engine's loader, passing on its title and run limits. */
export const engineLoader: EngineLoader = async (setupPath, text) => {
  const { engine, problems, loaded } = await loadEngine(setupPath, text);
  const s = loaded.setup as { title?: unknown; description?: unknown } | undefined;
  return {
    engine,
    problems,
    about: {
      title: typeof s?.title === 'string' ? s.title : undefined,
      description: typeof s?.description === 'string' ? s.description : undefined,
      runevents: engine ? loaded.runevents : undefined,
      runtime: engine ? loaded.runtime : undefined,
    },
  };
};
