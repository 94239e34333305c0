import { describe, expect, it } from 'vitest';
import { RendererCrashes } from './reload-policy';

describe('RendererCrashes', () => {
  it('reloads after a crash, and asks at the third within a minute, naming the reason', () => {
    const c = new RendererCrashes();
    expect(c.crashed('crashed', 0).action).toBe('reload');
    expect(c.crashed('crashed', 10_000).action).toBe('reload');
    const v = c.crashed('oom', 20_000);
    expect(v.action).toBe('ask');
    if (v.action !== 'ask') return;
    expect(v.dialog.message).toBe('The window crashed 3 times within 60 seconds (oom).');
    expect(v.dialog.buttons).toEqual(['Reload Window', 'Quit RingScope']);
    expect(v.dialog.detail).toContain('The engine and any run keep going');
  });

  it('forgets crashes older than the window, and counts afresh after the user reloads', () => {
    const c = new RendererCrashes({ limit: 2, windowMs: 1000 });
    expect(c.crashed('crashed', 0).action).toBe('reload');
    expect(c.crashed('crashed', 1500).action).toBe('reload');
    expect(c.crashed('crashed', 1600).action).toBe('ask');
    c.reset();
    expect(c.crashed('crashed', 1700).action).toBe('reload');
  });
});
