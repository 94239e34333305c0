// Runs the pyepics test clients (Debian's python3-pyepics, a real libca
// client) against a server on a given port, and reads their JSON lines.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const PYTHON = '/usr/bin/python3';
const DIR = dirname(fileURLToPath(import.meta.url));

/** Why pyepics tests cannot run here, or null when they can. */
export function pyepicsMissing(): string | null {
  if (!existsSync(PYTHON)) return `${PYTHON} not found (apt-get install -y python3-pyepics)`;
  const r = spawnSync(PYTHON, ['-c', 'import epics, epics.ca; epics.ca.initialize_libca()'], { encoding: 'utf8', timeout: 30_000 });
  return r.status === 0 ? null : `pyepics not usable (apt-get install -y python3-pyepics): ${r.stderr.trim().split('\n').pop()}`;
}

/** A libca environment that finds only our server on `port` (and keeps its repeater port of its own). */
export function caEnv(port: number, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    EPICS_CA_ADDR_LIST: '127.0.0.1',
    EPICS_CA_AUTO_ADDR_LIST: 'NO',
    EPICS_CA_SERVER_PORT: String(port),
    EPICS_CA_REPEATER_PORT: String(port + 1),
    PYTHONUNBUFFERED: '1',
    ...extra,
  };
}

/** Runs a client script to its end; resolves with its JSON lines. */
export function runPy(script: string, args: string[], port: number, extraEnv: Record<string, string> = {}): Promise<Record<string, unknown>[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [join(DIR, script), ...args], { env: caEnv(port, extraEnv), cwd: DIR });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) {
        reject(new Error(`${script} exited with ${code}:\n${err}`));
        return;
      }
      resolve(
        out
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as Record<string, unknown>),
      );
    });
  });
}

/** An interactive client: reads its lines as they come, sends it commands. */
export class PyClient {
  readonly child: ChildProcessWithoutNullStreams;
  readonly lines: Record<string, unknown>[] = [];
  stderr = '';
  private waiters: { pred: (l: Record<string, unknown>) => boolean; from: number; resolve: (l: Record<string, unknown>) => void }[] = [];
  readonly exited: Promise<number | null>;

  constructor(script: string, args: string[], port: number, extraEnv: Record<string, string> = {}) {
    this.child = spawn(PYTHON, [join(DIR, script), ...args], { env: caEnv(port, extraEnv), cwd: DIR });
    this.child.stderr.on('data', (d) => (this.stderr += d));
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      if (!line.startsWith('{')) return;
      const l = JSON.parse(line) as Record<string, unknown>;
      this.lines.push(l);
      const idx = this.lines.length - 1;
      for (const w of [...this.waiters]) {
        if (idx >= w.from && w.pred(l)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(l);
        }
      }
    });
    this.exited = new Promise((r) => this.child.on('close', (code) => r(code)));
  }

  /** The first line (from index `from` on) matching `pred`, waiting up to `ms`. */
  next(pred: (l: Record<string, unknown>) => boolean, ms = 30_000, from = 0): Promise<Record<string, unknown>> {
    const have = this.lines.slice(from).find(pred);
    if (have) return Promise.resolve(have);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no matching line in ${ms} ms; got ${JSON.stringify(this.lines.slice(-5))}\n${this.stderr}`)), ms);
      this.waiters.push({
        pred,
        from,
        resolve: (l) => {
          clearTimeout(t);
          resolve(l);
        },
      });
    });
  }

  send(command: string): void {
    this.child.stdin.write(`${command}\n`);
  }

  async quit(): Promise<void> {
    if (this.child.exitCode === null) {
      this.send('quit');
      const t = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
      await this.exited;
      clearTimeout(t);
    }
  }
}
