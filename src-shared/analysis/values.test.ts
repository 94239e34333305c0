import { describe, expect, it } from 'vitest';
import { ValueStore } from './values';

describe('ValueStore', () => {
  it('keeps everything below its cap, in order, growing as needed', () => {
    const s = new ValueStore(100, 4);
    for (let i = 0; i < 50; i++) s.push(i);
    expect(s.kept).toBe(50);
    expect(s.first).toBe(0);
    expect(Array.from(s.since(0))).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(Array.from(s.since(45))).toEqual([45, 46, 47, 48, 49]);
  });

  it('keeps the newest cap values once full, oldest first, also across the wrap', () => {
    const s = new ValueStore(8, 2);
    for (let i = 0; i < 13; i++) s.push(i);
    expect(s.total).toBe(13);
    expect(s.kept).toBe(8);
    expect(s.first).toBe(5);
    expect(Array.from(s.since(0))).toEqual([5, 6, 7, 8, 9, 10, 11, 12]);
    expect(Array.from(s.since(10))).toEqual([10, 11, 12]);
    expect(Array.from(s.since(99))).toEqual([]);
    const copy = ValueStore.from(s.take(), s.total, 8);
    expect(copy.first).toBe(5);
    expect(Array.from(copy.since(7))).toEqual([7, 8, 9, 10, 11, 12]);
  });
});
