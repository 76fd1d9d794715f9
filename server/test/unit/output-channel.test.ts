import {describe, expect, it} from 'vitest';
import {OutputChannel} from '../../src/session/output';

function channel(windowBytes = 64 * 1024, hardLimitBytes = 1024 * 1024) {
  const ch = new OutputChannel({windowBytes, hardLimitBytes, ackTimeoutMs: 60_000});
  const sent: Array<{seq: number; data: string}> = [];
  ch.attach({send: (m) => sent.push({seq: m.seq, data: m.data})}, 0);
  return {ch, sent};
}

/** The page acknowledges everything it got, until nothing more comes. */
function drain(ch: OutputChannel, sent: Array<{seq: number}>): void {
  for (let guard = 0; guard < 10_000; guard++) {
    const last = sent[sent.length - 1]!.seq;
    ch.ack(last);
    if (sent[sent.length - 1]!.seq === last) return;
  }
}

describe('OutputChannel', () => {
  it('sends everything written, in order, in chunks of at most 32 KiB, as acks make room', () => {
    const {ch, sent} = channel();
    let written = '';
    for (let i = 0; i < 300; i++) {
      const piece = `line ${i} `.repeat(1 + (i % 500)) + '\r\n';
      written += piece;
      ch.write(piece);
      if (i % 7 === 0) ch.flush();
    }
    ch.flush();
    // The window holds the rest back until the page acknowledges.
    expect(sent.reduce((n, c) => n + c.data.length, 0)).toBeLessThan(written.length);
    drain(ch, sent);
    expect(sent.map((c) => c.data).join('')).toBe(written);
    expect(sent.every((c, i) => c.seq === i + 1 && c.data.length <= 32 * 1024)).toBe(true);
  });

  it('never splits a surrogate pair between chunks', () => {
    const {ch, sent} = channel(16 * 1024 * 1024);
    const text = 'a' + '🐳'.repeat(40_000);
    ch.write(text);
    ch.flush();
    expect(sent.length).toBeGreaterThan(1);
    for (const c of sent) expect(c.data.charCodeAt(c.data.length - 1)).not.toSatisfy((x: number) => x >= 0xd800 && x <= 0xdbff);
    expect(sent.map((c) => c.data).join('')).toBe(text);
  });

  it('keeps held plus unacknowledged output under the hard limit and says the page is behind', async () => {
    const {ch, sent} = channel(32 * 1024, 100 * 1024);
    let reason = '';
    ch.onBehind((r) => (reason = r));
    let written = '';
    for (let i = 0; i < 10; i++) {
      const piece = String.fromCharCode(97 + i).repeat(30 * 1024);
      written += piece;
      ch.write(piece);
    }
    ch.flush();
    await Promise.resolve();
    expect(reason).toMatch(/behind its output/);
    drain(ch, sent);
    // Exactly the first 100 KiB written, nothing after it.
    const text = sent.map((c) => c.data).join('');
    expect(text).toBe(written.slice(0, 100 * 1024));
  });
});
