// The real engine behind browser mode (tests use fake-engine.test-helper.ts).
import type { SetupProblem } from '../../src-shared/bridge/protocol';
import type { EngineHandle } from '../engine/api';
import type { EngineLoader } from './host';

type Load = (setupPath: string) => Promise<{ engine: EngineHandle | null; problems: SetupProblem[] }>;

/** Loads a setup with src-main/engine/engine.ts's Engine.load. */
export const loadEngine: EngineLoader = async (setupPath) => {
  const { Engine } = await import('../engine/engine');
  const load = (Engine as unknown as { load?: Load }).load;
  if (typeof load !== 'function') {
    return { engine: null, problems: [{ severity: 'error', message: 'This build of RingScope has no setup loader (Engine.load is missing).', file: setupPath }] };
  }
  return load.call(Engine, setupPath);
};
