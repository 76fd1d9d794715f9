import {describe, expect, it} from 'vitest';
import {formatCast, type CastEvent} from '../../../protocol/recording';
import {capIdle, IDLE_CAP_S, Player, type PlayerTimers} from '../player';

/** Timers that run only when told to. */
class FakeTimers implements PlayerTimers {
  now = 0;
  private queue: Array<{at: number; fn: () => void; id: number}> = [];
  private id = 0;
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.id;
    this.queue.push({at: this.now + ms, fn, id});
    return id;
  }
  clearTimeout(h: unknown): void {
    this.queue = this.queue.filter((t) => t.id !== h);
  }
  /** Advance the clock by `ms`, running what falls due. */
  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      this.queue.sort((a, b) => a.at - b.at);
      const t = this.queue[0];
      if (!t || t.at > end) break;
      this.queue.shift();
      this.now = t.at;
      t.fn();
    }
    this.now = end;
  }
}

const cast = (events: CastEvent[]) =>
  formatCast({
    header: {
      version: 2,
      width: 100,
      height: 30,
      timestamp: Date.UTC(2026, 10, 30) / 1000,
      lab: {blockId: 'b1', file: 'docs/x.mdx', line: 3, textHash: 'h', command: 'docker images', exitCode: 0, dockerVersion: '26.1.5', registry: 'localhost:5000', username: 'alice'},
    },
    events,
  });

function setup(text: string | null) {
  const timers = new FakeTimers();
  const written: string[] = [];
  const player = new Player({write: (d) => written.push(d), fetchText: async () => text, timers});
  return {timers, written, player, out: () => written.join('')};
}

describe('Player', () => {
  it('plays the events with their timing, marked as a recording with its date and Docker version', async () => {
    const {timers, player, out} = setup(cast([[0.5, 'o', 'first\r\n'], [1.5, 'o', 'second\r\n']]));
    await player.play('b1', '/recordings/b1.cast', 'docker images');
    expect(out()).toContain('Recording of "docker images", made 2026-11-30 on Docker 26.1.5. Not live');
    expect(player.get().status).toBe('playing');
    timers.advance(400);
    expect(out()).not.toContain('first');
    timers.advance(200);
    expect(out()).toContain('first');
    expect(out()).not.toContain('second');
    timers.advance(1000);
    expect(out()).toContain('second');
    expect(out()).toContain('End of the recording (exit code 0)');
    expect(player.get().status).toBe('done');
  });

  it('pauses, resumes and changes speed', async () => {
    const {timers, player, out} = setup(cast([[1, 'o', 'a'], [3, 'o', 'b']]));
    await player.play('b1', 'u', 'c');
    timers.advance(1000);
    expect(out()).toContain('a');
    player.pause();
    timers.advance(10_000);
    expect(out()).not.toMatch(/ab|a.*b$/);
    expect(player.get().status).toBe('paused');
    player.resume();
    player.setSpeed(4);
    timers.advance(300); // 2 s of recording at 4× is 500 ms
    expect(player.get().position).toBe(1);
    timers.advance(250);
    expect(player.get().position).toBe(2.5);
    expect(player.get().status).toBe('done');
  });

  it('skips to the end', async () => {
    const {player, out} = setup(cast([[1, 'o', 'a'], [300, 'o', 'b']]));
    await player.play('b1', 'u', 'c');
    player.skipToEnd();
    expect(out()).toMatch(/ab[\s\S]*End of the recording/);
    expect(player.get().status).toBe('done');
  });

  it('says so when a block has no recording', async () => {
    const {player, out} = setup(null);
    await player.play('b1', 'u', 'docker images');
    expect(player.get().status).toBe('missing');
    expect(out()).toContain('no recording');
  });

  it('stops when asked (the server answered), with a note, and drops a late load', async () => {
    const {timers, player, out} = setup(cast([[1, 'o', 'late output']]));
    await player.play('b1', 'u', 'c');
    player.stop('The companion server answered');
    timers.advance(5000);
    expect(out()).not.toContain('late output');
    expect(out()).toContain('The companion server answered');
    expect(player.get().status).toBe('idle');
  });
});

describe('capIdle', () => {
  it('shortens long pauses', () => {
    const e = capIdle([[0.2, 'o', 'a'], [30, 'o', 'b'], [30.5, 'o', 'c']]);
    expect(e.map((x) => x[0])).toEqual([0.2, 0.2 + IDLE_CAP_S, 0.7 + IDLE_CAP_S]);
  });
});
