// The desktop engine host with the real engine under plain Node: a
// worker_threads MessageChannel stands in for Electron's MessageChannelMain.
// The host runs in this thread (the engine-host switch's "main" mode, same code
// as the utility process); the client plays the window: it opens the muon
// setup, subscribes to waveforms, starts, receives status and snapshots,
// stops, and finds run.json reconciled in the chosen output folder.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../../../src-shared/engine/status';
import { EngineClient } from '../engine-client';
import { inProcessHost } from './in-process';
import { acknowledgeSnapshots, nextEvent } from '../../../../test/support/engine-host';
import type { HostToMain } from './control';
import { nodePort } from './ports';

const root = join(import.meta.dirname, '..', '..', '..', '..');
const tmp = mkdtempSync(join(tmpdir(), 'ringscope-port-host-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('engine host over a MessageChannel (real engine, muon setup)', () => {
  it('opens, starts, streams status and snapshots, stops with everything written, and shuts down', async () => {
    const out = join(tmp, 'runs');
    const proc = inProcessHost<MessagePort>(nodePort, { cwd: root });
    const messages: HostToMain[] = [];
    const ready = new Promise<void>((ok) =>
      proc.onMessage((m) => {
        messages.push(m);
        if (m.type === 'ready') ok();
      }),
    );
    const exited = new Promise<number | null>((ok) => proc.onExit(ok));
    proc.post({ type: 'init', version: 'test', output: { directory: out, readOnlyRoots: [], fallback: null } });
    await ready;

    const { port1, port2 } = new MessageChannel();
    proc.post({ type: 'connect', client: 'renderer' }, [port1]);
    const window = new EngineClient(nodePort(port2));
    const hello = await nextEvent(window, 'hello');
    expect(hello.server.host).toBe('electron');
    expect(hello.setup).toBeNull();

    await window.request({ type: 'open', path: 'examples/muon/setup.yaml' });
    expect(window.setup).toMatchObject({ path: 'examples/muon/setup.yaml', runnable: true });
    expect(window.setup!.buffers.map((b) => b.name)).toEqual(['RB_1', 'RB_2', 'RB_3']);
    await window.request({ type: 'subscribe', buffer: 'RB_1' });
    acknowledgeSnapshots(window);

    const flowing = nextEvent(window, 'status', (e) => e.status.state === 'running' && e.status.buffers[0].written > 0);
    const snapshot = nextEvent(window, 'snapshot');
    await window.request({ type: 'start' });
    const running = await flowing;
    expect(running.status.run_directory?.startsWith(out)).toBe(true);
    const snap = (await snapshot).snapshot;
    expect(snap.buffer).toBe('RB_1');
    expect(snap.fields.map((f) => f.name)).toEqual(['chA', 'chB', 'chC', 'chD']);
    expect(snap.fields[0].data).toBeInstanceOf(Float32Array);
    expect(snap.fields[0].data).toHaveLength(4250);
    expect(snap.fields.some((f) => Array.from(f.data as Float32Array).some((v) => v !== 0))).toBe(true);
    // Snapshots keep coming while the client acknowledges them.
    await nextEvent(window, 'snapshot', (e) => e.snapshot.seq > snap.seq);

    const ended = nextEvent(window, 'run_ended');
    await window.request({ type: 'stop' });
    const summary = (await ended).summary;
    expect(summary.end_reason).toBe('stop');
    const onDisk = JSON.parse(readFileSync(join(summary.run_directory, 'run.json'), 'utf8')) as RunSummary;
    expect(onDisk.buffers.RB_1.written).toBeGreaterThan(0);
    for (const b of Object.values(onDisk.buffers)) {
      for (const released of Object.values(b.released)) expect(released).toBe(b.written);
    }
    for (const e of onDisk.exports) expect(existsSync(e.startsWith('/') ? e : join(summary.run_directory, e)), e).toBe(true);

    const closed = new Promise<void>((ok) => window.onClose(ok));
    proc.post({ type: 'shutdown' });
    expect(await exited).toBe(0);
    expect(messages.map((m) => m.type)).toEqual(['ready', 'closed']);
    window.close();
    await closed;
  });
});
