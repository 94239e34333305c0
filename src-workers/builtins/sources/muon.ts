// builtin:sources/muon — the simulated four-layer muon detector (mimoCoRB's
// pulse simulator). Writes the first writer's first four fields (chA…chD) in
// place; waveform unit mV, baseline analogue_offset.
import { createRandom } from '../../../src-shared/random';
import { MUON_SIM_DEFAULTS, checkMuonSimParams, nextWaitSeconds, simulateMuonEvent, type MuonSimParams } from '../../physics/muon-sim';
import type { FunctionIO } from '../../runtime/io';

export default async function muonSource(io: FunctionIO): Promise<void> {
  const params = { ...MUON_SIM_DEFAULTS, ...io.config } as MuonSimParams;
  const problems = checkMuonSimParams(params);
  if (problems.length) throw new Error(`sources/muon: ${problems.join('; ')}`);
  // Each instance its own stream; instance 0 with the plain seed, so a one-thread run re-simulates exactly.
  const seed = params.seed === null || params.seed === undefined ? null : io.instance === 0 ? params.seed : `${params.seed}/${io.instance}`;
  const rng = createRandom(seed);
  const waits = createRandom(seed === null ? null : `${seed}/wait`);
  let sleeptime = params.sleeptime;
  io.onParam('sleeptime', (v) => (sleeptime = Number(v)));
  let produced = 0;
  // mimoCoRB's eventcount counts when events_required is not set
  const required = Number(params.events_required) || Number(params.eventcount ?? 0) || 0;
  const perInstance = required > 0 ? Math.ceil((required - io.instance) / io.instances) : 0;
  await io.source((event) => {
    if (perInstance > 0 && produced >= perInstance) return false;
    const fields = Object.values(event.fields);
    const channels = fields.slice(0, 4) as Float32Array[];
    if (channels.length === 0 || !channels.every((c) => c instanceof Float32Array)) {
      throw new Error('sources/muon writes float32 waveform fields (chA…chD); the buffer it writes has other field types');
    }
    simulateMuonEvent(rng, params, channels);
    produced++;
    const wait = nextWaitSeconds(waits, { sleeptime, random: params.random });
    if (wait > 0) io.sleep(wait);
  });
}
