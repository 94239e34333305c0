// What the window says about a loaded setup besides its layout: each buffer's
// and function's description (the setup's own `description:`, else what the
// built-in says of itself), where the run limits are written, and a source
// that ends by itself after a number of events (the muon source's
// events_required) — so the Events field shows the limit that applies.
import { BUILTINS } from '../../src-shared/builtins/catalog';
import type { FunctionInfo, SetupInfo } from '../../src-shared/bridge/protocol';
import type { LoadedSetup } from '../setup/load';

export type SetupDescription = Pick<SetupInfo, 'functions' | 'limitsFrom' | 'sourceEvents'> & {
  /** Buffer name → description. */
  buffers: Record<string, string>;
};

/** Descriptions and limit origins of a loaded setup. */
export function describeSetup(loaded: LoadedSetup): SetupDescription {
  const { setup } = loaded;
  const buffers: Record<string, string> = {};
  for (const b of setup.buffers) if (b.description) buffers[b.name] = b.description;
  const functions: FunctionInfo[] = [];
  let sourceEvents: SetupDescription['sourceEvents'];
  for (const f of setup.functions) {
    const spec = f.builtin ? BUILTINS[f.builtin] : undefined;
    const description = f.description ?? spec?.label;
    functions.push(description ? { name: f.name, fkt_name: f.fkt_name, description } : { name: f.name, fkt_name: f.fkt_name });
    const writes = f.assign.filter((a) => a.mode === 'write');
    writes.forEach((a, i) => {
      const said = spec?.writes?.[Math.min(i, spec.writes.length - 1)];
      if (!buffers[a.buffer] && said) buffers[a.buffer] = said;
    });
    const required = Number(loaded.functions[f.name]?.config?.events_required);
    if (spec?.kind === 'source' && Number.isInteger(required) && required > 0 && !sourceEvents) sourceEvents = { events: required, from: `events_required of ${f.name}` };
  }
  const from = (key: 'runevents' | 'runtime'): string | undefined => {
    if (setup.main[key] > 0) return 'Fkt_main';
    if (loaded[key] > 0) return `general: of ${setup.main.config_file ?? 'the common config'}`;
    return undefined;
  };
  const limitsFrom = { runevents: from('runevents'), runtime: from('runtime') };
  return { buffers, functions, limitsFrom, ...(sourceEvents ? { sourceEvents } : {}) };
}
