#!/usr/bin/env node
// `npm run dist:dir`: the packaged app as a folder (electron-builder --linux dir,
// into dist/linux-unpacked), offline. electron-builder needs an Electron folder
// to copy; where the real binary was never downloaded (machines that reach only
// the npm registry) a stand-in folder is made instead, so that everything else
// of the package — main, preload, renderer, the engine host and its worker
// chunks, production dependencies with serialport's prebuilt .node and
// parquet-wasm's .wasm, the examples, Electron's fuses — is built and can be
// checked. The stand-in "binary" only says what it is; the packaged engine host
// runs under a plain Node 24 (e2e/packaged-app.solo.test.ts).
//
//   node bin/dist-dir.mjs            real Electron when on disk, else the stand-in
//   node bin/dist-dir.mjs --stand-in always the stand-in
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const electronPkg = join(root, 'node_modules', 'electron');
const version = JSON.parse(readFileSync(join(electronPkg, 'package.json'), 'utf8')).version;

/** Electron's fuse wire as the real binary carries it (sentinel, version 1, 8 fuses, Electron's defaults). */
const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const DEFAULT_FUSES = '10110001';

function realElectronDist() {
  const pathFile = join(electronPkg, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const exe = join(electronPkg, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(exe) ? join(electronPkg, 'dist') : null;
}

/** A folder shaped like Electron's Linux zip, with a script for a binary. */
function standIn() {
  const dir = join(root, 'dist', '.electron-stand-in');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'resources'), { recursive: true });
  const script =
    '#!/bin/sh\n' +
    `# RingScope's stand-in for the Electron ${version} binary (bin/dist-dir.mjs): no Electron could be downloaded here.\n` +
    `# fuse wire: ${FUSE_SENTINEL}\x01\x08${DEFAULT_FUSES}\n` +
    `echo "This RingScope folder was packaged with a stand-in for Electron ${version} (no binary could be downloaded where it was built). Package it where GitHub is reachable to get a working app." >&2\n` +
    'exit 1\n';
  writeFileSync(join(dir, 'electron'), script, 'latin1');
  chmodSync(join(dir, 'electron'), 0o755);
  writeFileSync(join(dir, 'version'), version);
  writeFileSync(join(dir, 'LICENSE'), readFileSync(join(electronPkg, 'LICENSE')));
  writeFileSync(join(dir, 'LICENSES.chromium.html'), '<p>stand-in</p>\n');
  writeFileSync(join(dir, 'resources', 'default_app.asar'), '');
  return dir;
}

const real = process.argv.includes('--stand-in') ? null : realElectronDist();
const electronDist = real ?? standIn();
if (!real) console.error(`dist-dir: no Electron binary on disk: packaging with a stand-in Electron folder (${electronDist}).`);
const builder = join(root, 'node_modules', 'electron-builder', 'cli.js');
const r = spawnSync(process.execPath, [builder, '--linux', 'dir', `--config.electronDist=${electronDist}`], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
