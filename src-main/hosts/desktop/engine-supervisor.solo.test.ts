// The engine's lifecycle with the real engine in a worker thread standing in for
// the utility process (its own event loop; ports transferred with control
// messages; an exit code when it ends): a window port and a run, an unexpected
// exit that leaves the written files valid, a restart that reopens the setup,
// a fatal error that aborts and closes files, and a quit during a run that
// stops gracefully with everything drained and written.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MessagePort } from 'node:worker_threads';
import { parquetMetadata } from 'hyparquet';
import { parquetFiles } from '../../../src-workers/formats/parquet-dataset';
import { afterAll, describe, expect, it } from 'vitest';
import type { EngineStatus } from '../../../src-shared/desktop/api';
import type { RunSummary } from '../../../src-shared/engine/status';
import type { HostToMain, OutputConfig } from './engine-host/control';
import { nodePort } from './engine-host/ports';
import { EngineClient } from './engine-client';
import { EngineSupervisor } from './engine-supervisor';
import { acknowledgeSnapshots, nextEvent, workerEnvironment } from '../../../test/support/engine-host';

const root = join(import.meta.dirname, '..', '..', '..');
const muon = join(root, 'examples', 'muon', 'setup.yaml');
const tmp = mkdtempSync(join(tmpdir(), 'ringscope-supervisor-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const output = (dir: string): OutputConfig => ({ directory: dir, readOnlyRoots: [], fallback: null });

function windowClient(sup: EngineSupervisor<MessagePort>): EngineClient {
  const port = sup.connectRenderer();
  if (!port) throw new Error('no renderer port: the engine is not running');
  return new EngineClient(nodePort(port));
}

/** Waits (on status reports, never on the clock) until the run's CSV holds at least `lines` complete lines. */
async function untilCsvLines(client: EngineClient, runDir: string, lines: number): Promise<void> {
  for (;;) {
    const f = existsSync(runDir) ? readdirSync(runDir).find((n) => n.endsWith('.csv')) : undefined;
    if (f && readFileSync(join(runDir, f), 'utf8').split('\n').length - 1 >= lines) return;
    await nextEvent(client, 'status');
  }
}

function csvIn(dir: string): string {
  const f = readdirSync(dir).find((n) => n.endsWith('.csv'));
  if (!f) throw new Error(`no CSV in ${dir}: ${readdirSync(dir).join(', ')}`);
  return join(dir, f);
}

function expectWholeLines(file: string): number {
  const text = readFileSync(file, 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  const rows = text.trimEnd().split('\n');
  const columns = rows[0].split(',').length;
  for (const r of rows) expect(r.split(',').length).toBe(columns);
  return rows.length - 1;
}

/** Rows of a Parquet export (a dataset folder: every part), from the footers as hyparquet reads them. */
function parquetRows(dataset: string): number {
  return parquetFiles(dataset).reduce((n, file) => {
    const b = readFileSync(file);
    return n + Number(parquetMetadata(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)).num_rows);
  }, 0);
}

describe('EngineSupervisor (engine host in a worker thread)', () => {
  it('runs, notices an unexpected exit (CSV intact), restarts with the same setup, and quits during a run gracefully', async () => {
    const out = join(tmp, 'runs');
    const env = workerEnvironment('source');
    const sup = new EngineSupervisor(env, { version: 'test', output: output(out), cwd: root });
    const states: EngineStatus['state'][] = [];
    sup.onStatus((s) => states.push(s.state));
    expect(sup.connectRenderer()).toBeNull();

    await sup.start();
    expect(sup.state).toBe('running');
    expect(sup.status()).toEqual({ state: 'running', host: 'utility' });
    await sup.client!.request({ type: 'open', path: muon });
    expect(sup.setupPath).toBe(muon);

    // The window gets its own port; status and snapshots reach it directly.
    let win = windowClient(sup);
    await win.ready();
    expect(win.setup?.path).toBe('examples/muon/setup.yaml');
    await win.request({ type: 'subscribe', buffer: 'RB_1' });
    acknowledgeSnapshots(win);
    const firstSnapshot = nextEvent(win, 'snapshot');
    await win.request({ type: 'start' });
    await firstSnapshot;
    const runDir = (await nextEvent(win, 'status', (e) => e.status.run_directory !== null)).status.run_directory!;
    expect(sup.client!.state).toBe('running');

    // The engine process dies mid-run.
    await untilCsvLines(win, runDir, 3);
    const winClosed = new Promise<void>((ok) => win.onClose(ok));
    const exited = new Promise<EngineStatus>((ok) => {
      const off = sup.onStatus((s) => {
        if (s.state === 'exited') {
          off();
          ok(s);
        }
      });
    });
    sup.kill();
    const crash = await exited;
    await winClosed;
    expect(crash).toMatchObject({ state: 'exited', host: 'utility', code: 1 });
    expect(crash.state === 'exited' && crash.reason).toBe('The engine process ended unexpectedly (exit code 1). Data already written to disk is kept.');
    expect(sup.client).toBeNull();
    expect(sup.connectRenderer()).toBeNull();
    // What was written before the crash is a valid CSV: a header and whole lines.
    expect(expectWholeLines(csvIn(runDir))).toBeGreaterThanOrEqual(2);

    // Restart: the same setup is open again; the window connects anew.
    await sup.restart();
    expect(sup.state).toBe('running');
    expect(sup.client!.setup?.path).toBe('examples/muon/setup.yaml');
    win = windowClient(sup);
    await win.ready();
    expect(win.setup?.runnable).toBe(true);

    // Quit during a run: stop gracefully (drained, written), then the host exits.
    const running = nextEvent(win, 'status', (e) => e.status.state === 'running' && e.status.buffers[2].written > 0);
    await win.request({ type: 'start' });
    await running;
    const ended = nextEvent(win, 'run_ended');
    await sup.shutdown();
    const summary = (await ended).summary;
    expect(sup.state).toBe('stopped');
    expect(summary.end_reason).toBe('stop');
    const onDisk = JSON.parse(readFileSync(join(summary.run_directory, 'run.json'), 'utf8')) as RunSummary;
    expect(onDisk).toEqual(summary);
    for (const b of Object.values(onDisk.buffers)) {
      for (const released of Object.values(b.released)) expect(released).toBe(b.written);
    }
    const files = readdirSync(summary.run_directory);
    expect(expectWholeLines(csvIn(summary.run_directory))).toBe(onDisk.buffers.RB_3.written);
    expect(parquetRows(join(summary.run_directory, files.find((f) => f.startsWith('accepted_waveforms'))!))).toBe(onDisk.buffers.RB_2.written);
    expect(parquetRows(join(summary.run_directory, files.find((f) => f.startsWith('pulse_parameters'))!))).toBe(onDisk.buffers.RB_3.written);
    expect(states).toEqual(['starting', 'running', 'exited', 'starting', 'running', 'stopping', 'stopped']);
  });

  it('a fatal error in the host aborts the run, closes its files (Parquet readable) and exits with code 1', async () => {
    const out = join(tmp, 'fatal');
    const env = workerEnvironment('source');
    const proc = env.launch();
    const messages: HostToMain[] = [];
    const ready = new Promise<void>((ok) =>
      proc.onMessage((m) => {
        messages.push(m);
        if (m.type === 'ready') ok();
      }),
    );
    const exited = new Promise<number | null>((ok) => proc.onExit(ok));
    proc.post({ type: 'init', version: 'test', output: output(out) });
    await ready;
    const [hostEnd, mine] = env.channel();
    proc.post({ type: 'connect', client: 'renderer' }, [hostEnd]);
    const client = new EngineClient(env.wrap(mine));
    await client.ready();
    await client.request({ type: 'open', path: muon });
    const flowing = nextEvent(client, 'status', (e) => e.status.state === 'running' && e.status.buffers[2].written > 0);
    await client.request({ type: 'start' });
    const runDir = (await flowing).status.run_directory!;

    // A control message that breaks the host's contract (connect without a port).
    const ended = nextEvent(client, 'run_ended');
    proc.post({ type: 'connect', client: 'renderer' });
    const summary = (await ended).summary;
    expect(await exited).toBe(1);
    expect(messages.map((m) => m.type)).toEqual(['ready', 'fatal']);
    expect(messages[1].type === 'fatal' && messages[1].message).toContain('connect arrived without a port');
    expect(summary.end_reason).toBe('abort');
    expect(summary.run_directory).toBe(runDir);
    const files = readdirSync(runDir);
    const pulses = files.find((f) => f.startsWith('pulse_parameters'))!;
    expect(parquetRows(join(runDir, pulses))).toBeGreaterThanOrEqual(0);
    expectWholeLines(csvIn(runDir));
    client.close();
  });
});
