#!/usr/bin/env node
// `npm start` / `npm run dev`: the desktop window through electron-vite, after
// making sure the Electron binary is there. electron 45 has no install script:
// its binary is downloaded the first time `require('electron')` runs, which
// electron-vite never does (it reads node_modules/electron/path.txt and fails
// with "Electron uninstall"). So this fetches it first, and where it cannot be
// had (no route to GitHub), says so in one sentence and points at browser mode.
//
//   node bin/desktop.mjs preview|dev [electron-vite options]
//
// RINGSCOPE_ELECTRON_PATH: an Electron executable to use instead of the package's.
// RINGSCOPE_ELECTRON_PACKAGE: the electron package folder (tests point it at a copy).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [command = 'preview', ...rest] = process.argv.slice(2);
if (command !== 'preview' && command !== 'dev') {
  console.error(`desktop: unknown command "${command}" (use preview or dev)`);
  process.exit(2);
}

const BROWSER_MODE = 'npm run build && npx ringscope serve examples/muon/setup.yaml';

/** The electron package folder. */
function electronPackage() {
  if (process.env.RINGSCOPE_ELECTRON_PACKAGE) return process.env.RINGSCOPE_ELECTRON_PACKAGE;
  return dirname(createRequire(join(root, 'package.json')).resolve('electron/package.json'));
}

/** The binary the package points at, or null. */
function packagedBinary(pkg) {
  const pathFile = join(pkg, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const exe = process.env.ELECTRON_OVERRIDE_DIST_PATH
    ? join(process.env.ELECTRON_OVERRIDE_DIST_PATH, readFileSync(pathFile, 'utf8').trim())
    : join(pkg, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(exe) ? exe : null;
}

/** The Electron executable, downloading it once if needed; exits with a clear sentence when it cannot be had. */
function electronBinary() {
  const own = process.env.RINGSCOPE_ELECTRON_PATH;
  if (own) {
    if (existsSync(own)) return own;
    fail(`RINGSCOPE_ELECTRON_PATH names ${own}, which does not exist.`);
  }
  const pkg = electronPackage();
  const found = packagedBinary(pkg);
  if (found) return found;
  const version = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')).version;
  console.error(`desktop: downloading the Electron ${version} binary (once; about 100 MB from GitHub)…`);
  const r = spawnSync(process.execPath, [join(pkg, 'install.js')], { encoding: 'utf8', stdio: ['ignore', 'inherit', 'pipe'] });
  const got = packagedBinary(pkg);
  if (r.status === 0 && got) return got;
  const reason = (r.stderr || r.error?.message || '').split('\n').find((l) => l.trim()) ?? `exit code ${r.status}`;
  fail(
    `The desktop window needs the Electron ${version} binary, which could not be downloaded (${reason.trim().replace(/\.$/, '')}); ` +
      `where GitHub cannot be reached, use browser mode instead: ${BROWSER_MODE}`,
  );
}

function fail(sentence) {
  console.error(`desktop: ${sentence}`);
  process.exit(1);
}

const exe = electronBinary();
const args = [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), command, ...rest];
// Chromium refuses to start as root with its sandbox on (a fatal error before any of our code runs).
const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (asRoot && !args.includes('--noSandbox')) {
  console.error("desktop: running as root, so Chromium's sandbox is off (--no-sandbox); run as a normal user to keep it.");
  args.push('--noSandbox');
}
const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ELECTRON_EXEC_PATH: exe } });
for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(s, () => child.kill(s));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
