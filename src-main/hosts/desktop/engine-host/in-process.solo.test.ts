// The engine host in main's own process (RINGSCOPE_ENGINE_HOST=main), real
// engine: "kill" (the user abandons a stuck engine) reports the host gone only
// after its abort has closed the run's files; an exception nobody caught while
// it runs takes the engine's fatal path (run aborted, files closed, main told)
// instead of Electron's "JavaScript error in the main process" box.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../../../src-shared/engine/status';
import { EngineClient } from '../engine-client';
import { acknowledgeSnapshots, nextEvent } from '../../../../test/support/engine-host';
import type { HostToMain } from './control';
import { inProcessHost } from './in-process';
import { nodePort } from './ports';

const root = join(import.meta.dirname, '..', '..', '..', '..');
const tmp = mkdtempSync(join(tmpdir(), 'ringscope-in-process-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function runningHost(name: string) {
  const proc = inProcessHost<MessagePort>(nodePort, { cwd: root });
  const messages: HostToMain[] = [];
  const ready = new Promise<void>((ok) => proc.onMessage((m) => (messages.push(m), m.type === 'ready' && ok())));
  proc.post({ type: 'init', version: 'test', output: { directory: join(tmp, name), readOnlyRoots: [], fallback: null } });
  await ready;
  const { port1, port2 } = new MessageChannel();
  proc.post({ type: 'connect', client: 'renderer' }, [port1]);
  const win = new EngineClient(nodePort(port2));
  await win.ready();
  await win.request({ type: 'open', path: 'examples/muon/setup.yaml' });
  acknowledgeSnapshots(win);
  const flowing = nextEvent(win, 'status', (e) => e.status.state === 'running' && e.status.buffers[2].written > 0);
  await win.request({ type: 'start' });
  const runDir = (await flowing).status.run_directory!;
  return { proc, messages, win, runDir };
}

describe('the engine host in main', () => {
  it('is reported gone after a kill only when its abort has closed the files', async () => {
    const { proc, runDir, win } = await runningHost('kill');
    const atExit = new Promise<{ code: number | null; summary: RunSummary | null }>((ok) =>
      proc.onExit((code) => {
        // What the window would find the moment main learns the engine is gone.
        const file = join(runDir, 'run.json');
        ok({ code, summary: existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as RunSummary) : null });
      }),
    );
    proc.kill();
    const { code, summary } = await atExit;
    expect(code).toBeNull();
    expect(summary?.state).toBe('ended');
    expect(summary?.end_reason).toBe('abort');
    win.close();
  });

  it('turns an uncaught exception into the engine fatal error: run aborted, files closed, main told, exit 1', async () => {
    const { proc, runDir, messages, win } = await runningHost('uncaught');
    const exited = new Promise<number | null>((ok) => proc.onExit(ok));
    // As Node does for an exception thrown from a callback nobody catches.
    (process.emit as (ev: string, err: Error, origin: string) => boolean)('uncaughtException', new Error('boom from a timer'), 'uncaughtException');
    expect(await exited).toBe(1);
    const fatal = messages.find((m) => m.type === 'fatal');
    expect(fatal && fatal.type === 'fatal' && fatal.message).toBe('boom from a timer');
    const summary = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')) as RunSummary;
    expect(summary.end_reason).toBe('abort');
    // Once the host has ended, main's exceptions are its own again.
    expect(process.listeners('uncaughtException').some((l) => l.toString().includes('host.fatal'))).toBe(false);
    win.close();
  });
});
