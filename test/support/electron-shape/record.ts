// A muon run recorded through an engine host the way the desktop app drives it:
// the real EngineSupervisor (as main), a window client on a port of its own,
// subscribe, start, snapshots, stop, run.json read back. Used with engine hosts
// started like Electron's utility process (utility-process.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { RunSummary } from '../../../src-shared/engine/status';
import type { OutputConfig, SetupFolders } from '../../../src-main/hosts/desktop/engine-host/control';
import { EngineClient } from '../../../src-main/hosts/desktop/engine-client';
import { EngineSupervisor, type EngineEnvironment } from '../../../src-main/hosts/desktop/engine-supervisor';
import { acknowledgeSnapshots, nextEvent } from '../engine-host';

export interface Recorded {
  summary: RunSummary;
  onDisk: RunSummary;
  snapshotSamples: number;
  sup: EngineSupervisor<unknown>;
}

/** Starts the engine, opens `setup`, records until RB_3 has events, stops; checks what a user would. */
export async function recordMuonRun<P>(env: EngineEnvironment<P>, opts: { setup: string; cwd: string; output: OutputConfig; setups?: SetupFolders }): Promise<Recorded> {
  const sup = new EngineSupervisor(env, { version: 'test', output: opts.output, cwd: opts.cwd, setups: opts.setups });
  await sup.start();
  expect(sup.status()).toEqual({ state: 'running', host: 'utility' });
  await sup.client!.request({ type: 'open', path: opts.setup });

  const port = sup.connectRenderer();
  if (!port) throw new Error('no renderer port');
  const win = new EngineClient(env.wrap(port));
  await win.ready();
  expect(win.setup?.runnable).toBe(true);
  await win.request({ type: 'subscribe', buffer: 'RB_1' });
  acknowledgeSnapshots(win);
  const snapshot = nextEvent(win, 'snapshot');
  const flowing = nextEvent(win, 'status', (e) => e.status.state === 'running' && e.status.buffers[2].written > 0);
  await win.request({ type: 'start' });
  await flowing;
  const snap = (await snapshot).snapshot;
  expect(snap.fields[0].data).toBeInstanceOf(Float32Array);

  const ended = nextEvent(win, 'run_ended');
  await win.request({ type: 'stop' });
  const summary = (await ended).summary;
  expect(summary.end_reason).toBe('stop');
  const onDisk = JSON.parse(readFileSync(join(summary.run_directory, 'run.json'), 'utf8')) as RunSummary;
  expect(onDisk).toEqual(summary);
  for (const b of Object.values(onDisk.buffers)) for (const released of Object.values(b.released)) expect(released).toBe(b.written);
  win.close();
  return { summary, onDisk, snapshotSamples: snap.fields[0].data.length, sup: sup as EngineSupervisor<unknown> };
}
