// `npm start` (bin/desktop.mjs → electron-vite preview) with the Electron binary
// present and absent. electron 45 downloads its binary on first require, which
// electron-vite never does; the start script fetches it and otherwise says, in
// one sentence, that it could not and what to use instead. Both outcomes use a
// copy of the electron package (test-results/, so its install.js still finds
// @electron/get): one with a stand-in binary, one with nothing and a download
// mirror that refuses connections.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const work = mkdtempSync(join(ROOT, 'test-results', 'desktop-start-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A copy of node_modules/electron without any binary. */
function electronPackageCopy(name: string): string {
  const dir = join(work, name, 'electron');
  mkdirSync(dir, { recursive: true });
  for (const f of ['package.json', 'install.js', 'index.js', 'checksums.json']) copyFileSync(join(ROOT, 'node_modules/electron', f), join(dir, f));
  return dir;
}

function start(env: Record<string, string>) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/desktop.mjs'), 'preview', '--skipBuild'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, RINGSCOPE_ELECTRON_PATH: '', ELECTRON_EXEC_PATH: '', ...env },
    timeout: 120_000,
  });
  return { code: r.status, stderr: r.stderr, stdout: r.stdout };
}

describe('npm start', () => {
  it('launches the Electron binary the package points at (a stand-in here), with the app folder, sandbox off as root', () => {
    const pkg = electronPackageCopy('present');
    mkdirSync(join(pkg, 'dist'));
    writeFileSync(join(pkg, 'path.txt'), 'electron');
    const log = join(work, 'stand-in.log');
    const exe = join(pkg, 'dist', 'electron');
    writeFileSync(exe, `#!/bin/sh\nprintf '%s\\n' "$@" > '${log}'\necho "cwd=$(pwd)" >> '${log}'\n`);
    chmodSync(exe, 0o755);

    const r = start({ RINGSCOPE_ELECTRON_PACKAGE: pkg });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('starting electron app');
    const args = readFileSync(log, 'utf8').trim().split('\n');
    expect(args[0]).toBe('.');
    expect(args).toContain(`cwd=${ROOT}`);
    const root = process.getuid?.() === 0;
    expect(args.includes('--no-sandbox')).toBe(root);
    if (root) expect(r.stderr).toContain("running as root, so Chromium's sandbox is off");
  });

  it('without a binary and no way to download one: one clear sentence pointing at browser mode, exit 1, no stack trace', () => {
    const pkg = electronPackageCopy('absent');
    const r = start({
      RINGSCOPE_ELECTRON_PACKAGE: pkg,
      ELECTRON_MIRROR: 'http://127.0.0.1:9/',
      electron_config_cache: mkdtempSync(join(tmpdir(), 'electron-cache-')),
    });
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^desktop: downloading the Electron 45\.\d+\.\d+ binary/);
    expect(lines.at(-1)).toMatch(
      /^desktop: The desktop window needs the Electron 45\.\d+\.\d+ binary, which could not be downloaded \(.+\); where GitHub cannot be reached, use browser mode instead: npm run build && npx ringscope serve examples\/muon\/setup\.yaml$/,
    );
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stderr).not.toContain('Electron uninstall');
  });

  it('names a RINGSCOPE_ELECTRON_PATH that does not exist', () => {
    const r = start({ RINGSCOPE_ELECTRON_PATH: join(work, 'nowhere', 'electron') });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(`desktop: RINGSCOPE_ELECTRON_PATH names ${join(work, 'nowhere', 'electron')}, which does not exist.`);
  });
});
