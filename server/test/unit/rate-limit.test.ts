import {describe, expect, it} from 'vitest';
import {RateLimit} from '../../src/limits/rate-limit';

describe('RateLimit', () => {
  it('allows a burst, then the rate, and says how long until the next token', () => {
    let now = 0;
    const r = new RateLimit(10, 20, () => now);
    for (let i = 0; i < 20; i++) expect(r.take()).toBe(true);
    expect(r.take()).toBe(false);
    expect(r.waitMs()).toBe(100);
    now += 100;
    expect(r.take()).toBe(true);
    expect(r.take()).toBe(false);
    now += 10_000; // refills up to the burst, no further
    for (let i = 0; i < 20; i++) expect(r.take()).toBe(true);
    expect(r.take()).toBe(false);
  });
});
