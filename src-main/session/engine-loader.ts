// The real engine behind browser mode (unit tests use fake-engine.test-helper.ts).
import { loadEngine as load } from '../engine/load';
import type { EngineLoader } from './session';

/** Loads a setup (or a page's unsaved text for it) with the engine's loader, passing on its title and run limits. */
export const loadEngine: EngineLoader = async (setupPath, text) => {
  const { engine, problems, loaded } = await load(setupPath, text);
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
