// electron-builder's configuration (electron-builder.yml) checked against its
// own schema, without packaging: packaging downloads the Electron binary, which
// machines that reach only the npm registry cannot.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const require = createRequire(import.meta.url);

describe('packaging configuration', () => {
  it('is valid for electron-builder and ships the built app, the examples and installers for each platform', async () => {
    const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js');
    const { DebugLogger } = require('builder-util');
    const { Lazy } = require('lazy-val');
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    const config = await getConfig(root, null, null, new Lazy(async () => pkg));
    await validateConfiguration(config, new DebugLogger(false));
    expect(pkg.main).toBe('out/main/index.js');
    expect(JSON.stringify(config.files)).toContain('"out/**"');
    expect(config.extraResources).toEqual([expect.objectContaining({ from: 'examples', to: 'examples' })]);
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.mac.target).toBe('dmg');
    expect(config.win.target).toBe('nsis');
    expect(config.asar).toBe(false);
  });
});
