// The real CLI in a child process: `ringscope run` (built bin), with handshakes on what it prints.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

/** The repository's root and its built CLI. */
export const repoRoot = join(import.meta.dirname, '..', '..');
export const ringscopeBin = join(repoRoot, 'bin', 'ringscope.mjs');

/**
 * Starts `ringscope run` (with `env` added to this process's, inside network namespace `netns` when
 * given) with a status line per report; `printed(re)` resolves when stderr matches.
 */
export function startRun(args: string[], env: Record<string, string | undefined> = {}, netns?: string) {
  const cmd = [process.execPath, ringscopeBin, 'run', ...args, '--status-every', '0'];
  const child = spawn(netns ? 'ip' : cmd[0], netns ? ['netns', 'exec', netns, ...cmd] : cmd.slice(1), { cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let stderr = '';
  let stdout = '';
  const waiters: { re: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => {
    stderr += d;
    for (const w of [...waiters]) {
      const m = stderr.match(w.re);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  const printed = (re: RegExp) =>
    Promise.race([
      new Promise<RegExpMatchArray>((resolve) => waiters.push({ re, resolve })),
      exited.then((r) => Promise.reject(new Error(`exited (${r.code ?? r.signal}) before printing ${re}:\n${r.stderr}`))),
    ]);
  const started = printed(/Run started: (.+)\n/).then((m) => m[1]);
  // A run that never starts is a test's to check through `exited`; `started` then rejects unobserved.
  started.catch(() => undefined);
  /** Resolves once a status line shows some events in RB_1. */
  const flowing = () => printed(/RB_1 \d+ Hz [1-9]\d* ev/);
  return { child, started, exited, printed, flowing };
}
