import { describe, expect, it } from 'vitest';
import { COLLAPSED_SIDE, DEFAULT_LAYOUT, fitLayout } from './layout';

describe('fitLayout', () => {
  it('keeps the run column at its width in a wide window, narrows it below 1200 px, folds it on request', () => {
    expect(fitLayout(DEFAULT_LAYOUT, 1280).side).toBe(400);
    expect(fitLayout(DEFAULT_LAYOUT, 1024).side).toBe(307);
    // Never below the column's least width.
    expect(fitLayout(DEFAULT_LAYOUT, 700).side).toBe(260);
    expect(fitLayout({ ...DEFAULT_LAYOUT, sideCollapsed: true }, 1024).side).toBe(COLLAPSED_SIDE);
  });
});
