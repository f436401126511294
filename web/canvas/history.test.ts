import { describe, expect, it } from 'vitest';
import { History } from './history';

describe('History', () => {
  it('undoes and redoes in order', () => {
    const h = new History('a');
    h.push('b');
    h.push('c');
    expect(h.undo()).toBe('b');
    expect(h.undo()).toBe('a');
    expect(h.undo()).toBeUndefined();
    expect(h.redo()).toBe('b');
    expect(h.current).toBe('b');
  });
  it('a new edit clears the redo side', () => {
    const h = new History('a');
    h.push('b');
    h.undo();
    h.push('c');
    expect(h.canRedo).toBe(false);
    expect(h.undo()).toBe('a');
  });
  it('replace changes the present without an undo step', () => {
    const h = new History('a');
    h.push('b');
    h.replace('b2');
    expect(h.current).toBe('b2');
    expect(h.undo()).toBe('a');
    expect(h.redo()).toBe('b2');
  });
  it('keeps at most `limit` steps', () => {
    const h = new History(0, 3);
    for (let i = 1; i <= 10; i++) h.push(i);
    let n = 0;
    while (h.undo() !== undefined) n++;
    expect(n).toBe(3);
    expect(h.current).toBe(7);
  });
});
