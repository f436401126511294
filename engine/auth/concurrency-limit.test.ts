import { describe, expect, it } from 'vitest';
import { ConcurrencyLimit } from './concurrency-limit.js';

describe('ConcurrencyLimit', () => {
  it('grants max slots per key, refuses the next, and frees a slot once when released', () => {
    const limit = new ConcurrencyLimit(2);
    const a = limit.tryAcquire('ws-a');
    const b = limit.tryAcquire('ws-a');
    expect(a && b).toBeTruthy();
    expect(limit.tryAcquire('ws-a')).toBeNull();
    // another key is counted apart
    expect(limit.tryAcquire('ws-b')).not.toBeNull();
    a!();
    a!(); // a second release of the same slot frees nothing more
    expect(limit.tryAcquire('ws-a')).not.toBeNull();
    expect(limit.tryAcquire('ws-a')).toBeNull();
  });
});
