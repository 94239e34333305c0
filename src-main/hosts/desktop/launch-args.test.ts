import { describe, expect, it } from 'vitest';
import { secondInstanceSetup, setupFileArg } from './launch-args';

describe('setupFileArg', () => {
  it('finds the setup file among the arguments of a packaged app and of `electron .`', () => {
    expect(setupFileArg(['/opt/RingScope/ringscope', 'muon.yaml'], '/home/ana', { defaultApp: false })).toBe('/home/ana/muon.yaml');
    expect(setupFileArg(['/usr/bin/electron', '.', 'lab/setup.YML'], '/work', { defaultApp: true })).toBe('/work/lab/setup.YML');
    expect(setupFileArg(['/usr/bin/electron', '/work/app'], '/work', { defaultApp: true })).toBeNull();
  });

  it('skips switches (Chromium adds its own) and non-YAML arguments', () => {
    const argv = ['/opt/RingScope/ringscope', '--no-sandbox', '--enable-features=x', 'notes.txt', '/data/a.yaml', 'b.yaml'];
    expect(setupFileArg(argv, '/', { defaultApp: false })).toBe('/data/a.yaml');
    expect(setupFileArg(['/opt/RingScope/ringscope', '--config=x.yaml'], '/', { defaultApp: false })).toBeNull();
  });
});

describe('secondInstanceSetup', () => {
  it('prefers what the second instance resolved itself, else reads its arguments from its folder', () => {
    expect(secondInstanceSetup({ setup: '/lab/a.yaml' }, ['x', 'b.yaml'], '/w', { defaultApp: false })).toBe('/lab/a.yaml');
    expect(secondInstanceSetup(null, ['x', '--flag', 'b.yaml'], '/w', { defaultApp: false })).toBe('/w/b.yaml');
    expect(secondInstanceSetup({ setup: null }, ['x'], '/w', { defaultApp: false })).toBeNull();
  });
});
