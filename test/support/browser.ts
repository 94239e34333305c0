// What the browser tests and bench f share: `ringscope serve` (the built CLI)
// in a child process on a free port, and Debian's Chromium driven by
// playwright-core (Playwright cannot download browsers here).
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';

export const ROOT = join(import.meta.dirname, '..', '..');
export const CHROMIUM = '/usr/bin/chromium';
const BIN = join(ROOT, 'bin', 'ringscope.mjs');

export interface Served {
  url: string;
  /** Everything the server printed so far. */
  readonly stdout: string;
  /** Everything it printed on standard error so far. */
  readonly stderr: string;
  child: ChildProcessWithoutNullStreams;
  /** Ctrl-C (a graceful stop), SIGKILL after a minute; resolves with the exit code. */
  stop(): Promise<number | null>;
}

const running = new Set<Served>();

/** Starts `ringscope serve <args> --port 0` (with `env` added to this process's) and resolves with the URL it prints. */
export function spawnServe(args: string[], env: Record<string, string> = {}): Promise<Served> {
  const child = spawn(process.execPath, [BIN, 'serve', ...args, '--port', '0'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<number | null>((ok) => child.on('exit', (code) => ok(code)));
  return new Promise<Served>((ok, fail) => {
    let served: Served | null = null;
    child.stdout.on('data', (d) => {
      stdout += d;
      const m = stdout.match(/RingScope serving on (http:\/\/\S+)/);
      if (!m || served) return;
      served = {
        url: m[1]!,
        get stdout() {
          return stdout;
        },
        get stderr() {
          return stderr;
        },
        child,
        stop: async () => {
          running.delete(served!);
          if (child.exitCode === null) child.kill('SIGINT');
          const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
          const code = await exited;
          clearTimeout(timer);
          return code;
        },
      };
      running.add(served);
      ok(served);
    });
    child.stderr.on('data', (d) => (stderr += d));
    void exited.then((code) => fail(new Error(`ringscope serve exited (${code}) before printing its URL:\n${stderr}`)));
  });
}

/** Stops every server still running (for afterAll). */
export async function stopServers(): Promise<void> {
  for (const s of [...running]) await s.stop();
}

/** Debian's Chromium, headless, without the background traffic of a fresh profile. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does this)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** A page on `url` (1280 × 800 unless told), connected to the server; `errors` collects uncaught page errors. */
export async function openPage(browser: Browser, url: string, timeout = 60_000, opts: { width?: number; height?: number; downloads?: boolean } = {}): Promise<Page & { errors: string[] }> {
  const page = (await browser.newPage({ viewport: { width: opts.width ?? 1280, height: opts.height ?? 800 }, ...(opts.downloads ? { acceptDownloads: true } : {}) })) as Page & { errors: string[] };
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  await page.goto(url);
  await page.waitForSelector('.app[data-connection="open"]', { timeout });
  return page;
}
