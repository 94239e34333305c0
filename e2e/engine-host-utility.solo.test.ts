// The built engine-host entry (out/main/engine-host.js) in a process of its own,
// started like Electron's utilityProcess.fork: an Electron-shaped
// process.parentPort (messages queued until a listener exists, {data, ports}
// events, transferred MessagePortMain-shaped ports; test/support/electron-shape).
// The real supervisor drives it as main does; a muon run is recorded through
// it, a SIGTERM from a session manager stops a run gracefully. Under Node 20 and
// under Node 24, the Node inside Electron 45.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../src-shared/engine/status';
import type { EngineStatus } from '../src-shared/desktop/api';
import { EngineClient } from '../src-main/hosts/desktop/engine-client';
import { EngineSupervisor } from '../src-main/hosts/desktop/engine-supervisor';
import { acknowledgeSnapshots, builtEntry, nextEvent } from '../test/support/engine-host';
import { recordMuonRun } from '../test/support/electron-shape/record';
import { utilityEnvironment } from '../test/support/electron-shape/utility-process';
import { node24 } from '../test/support/node24';

const ROOT = join(import.meta.dirname, '..');
const tmp = mkdtempSync(join(tmpdir(), 'ringscope-utility-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const n24 = node24();

const nodes: Array<{ name: string; path: string | undefined; skip: string | null }> = [
  { name: `Node ${process.versions.node} (this one)`, path: undefined, skip: null },
  { name: 'Node 24', path: 'path' in n24 ? n24.path : undefined, skip: 'missing' in n24 && !process.env.CI ? n24.missing : null },
];

describe.each(nodes)('the built engine host as a utility process, $name', ({ path, skip, name }) => {
  it.skipIf(skip !== null)(`records a muon run through the supervisor and a window port${skip ? ` — skipped: ${skip}` : ''}`, async () => {
    if (name === 'Node 24' && !path) throw new Error('missing' in n24 ? n24.missing : 'no Node 24');
    expect(existsSync(builtEntry), 'run "npm run build" first').toBe(true);
    let output = '';
    const env = utilityEnvironment(builtEntry, { node: path, cwd: ROOT, output: (t) => (output += t) });
    const out = join(tmp, name.replace(/\W+/g, '_'));
    const r = await recordMuonRun(env, { setup: 'examples/muon/setup.yaml', cwd: ROOT, output: { directory: out, readOnlyRoots: [], fallback: null } });
    expect(r.summary.run_directory.startsWith(out)).toBe(true);
    expect(r.onDisk.buffers.RB_3.written).toBeGreaterThan(0);
    expect(r.snapshotSamples).toBe(4250);
    await r.sup.shutdown();
    expect(r.sup.state).toBe('stopped');
    expect(env.children[0].exitCode, output).toBe(0);
    if (path) {
      // It really ran under that Node: the child's own version.
      expect(env.children[0].spawnargs[0]).toBe(path);
    }
  });

  it.skipIf(skip !== null)('stops a run gracefully on SIGTERM (everything written) and tells main why', async () => {
    if (name === 'Node 24' && !path) throw new Error('no Node 24');
    const env = utilityEnvironment(builtEntry, { node: path, cwd: ROOT });
    const out = join(tmp, `${name.replace(/\W+/g, '_')}-term`);
    const sup = new EngineSupervisor(env, { version: 'test', output: { directory: out, readOnlyRoots: [], fallback: null }, cwd: ROOT });
    await sup.start();
    const win = new EngineClient(env.wrap(sup.connectRenderer()!));
    await win.ready();
    await win.request({ type: 'open', path: 'examples/muon/setup.yaml' });
    acknowledgeSnapshots(win);
    const flowing = nextEvent(win, 'status', (e) => e.status.state === 'running' && e.status.buffers[2].written > 0);
    await win.request({ type: 'start' });
    await flowing;
    const ended = nextEvent(win, 'run_ended');
    const exited = new Promise<EngineStatus>((ok) => sup.onStatus((s) => s.state === 'exited' && ok(s)));
    env.children[0].kill('SIGTERM');
    const summary = (await ended).summary;
    expect(summary.end_reason).toBe('stop');
    const onDisk = JSON.parse(readFileSync(join(summary.run_directory, 'run.json'), 'utf8')) as RunSummary;
    for (const b of Object.values(onDisk.buffers)) for (const released of Object.values(b.released)) expect(released).toBe(b.written);
    const status = await exited;
    expect(status).toMatchObject({ state: 'exited', code: 0 });
    expect(status.state === 'exited' && status.reason).toContain('the engine received SIGTERM');
  });
});
