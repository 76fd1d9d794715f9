/**
 * Plays a block's recording (asciicast v2, src/protocol/recording.ts) into the
 * docked terminal when no companion server answers. No DOM and no React: the
 * terminal writer, the timers and the fetch are injected (unit-tested with
 * fakes in `__tests__/player.test.ts`); `./react.tsx` binds it to the page.
 */
import type {LabSessionClient} from '../session';
import {parseCast, type CastEvent, type RecordingInfo, type RecordingsManifest} from '../../protocol/recording';

export type PlaybackStatus = 'idle' | 'loading' | 'playing' | 'paused' | 'done' | 'missing';

export interface PlaybackState {
  status: PlaybackStatus;
  /** The block whose recording is loaded (or was asked for). */
  blockId: string | null;
  info: RecordingInfo | null;
  /** When it was recorded (ISO date), from the recording's header. */
  recordedAt: string | null;
  speed: number;
  /** Seconds of the recording played so far, and its length (gaps capped at IDLE_CAP_S). */
  position: number;
  duration: number;
  /** Why a recording could not be played. */
  message: string | null;
  /** The recordings' manifest (what `<registry>` and `<username>` were), once fetched. */
  manifest: RecordingsManifest | null;
}

export const SPEEDS = [1, 2, 4, 8, 16] as const;
/** A pause longer than this (the engine working quietly) plays as this long. */
export const IDLE_CAP_S = 1.5;

export interface PlayerTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface PlayerOptions {
  /** Write into the terminal (not the session's numbered output: local text). */
  write: (data: string) => void;
  fetchText: (url: string) => Promise<string | null>;
  timers?: PlayerTimers;
}

export const INITIAL_PLAYBACK: PlaybackState = Object.freeze({
  status: 'idle',
  blockId: null,
  info: null,
  recordedAt: null,
  speed: 1,
  position: 0,
  duration: 0,
  message: null,
  manifest: null,
}) as PlaybackState;

/** Terminal lines the player adds around a recording (dim, so they read as the page's, not the command's). */
export function playbackLine(text: string): string {
  return `\r\n\x1b[2m[recording]\x1b[0m \x1b[36m${text}\x1b[0m\r\n`;
}

/** `2026-11-30` from a Unix time in seconds. */
export function recordingDate(timestamp: number): string {
  return new Date(timestamp * 1000).toISOString().slice(0, 10);
}

/** Event times with long pauses shortened to IDLE_CAP_S. */
export function capIdle(events: readonly CastEvent[]): CastEvent[] {
  let prev = 0;
  let shift = 0;
  return events.map(([t, type, data]) => {
    const gap = t - prev;
    if (gap > IDLE_CAP_S) shift += gap - IDLE_CAP_S;
    prev = t;
    return [Math.round((t - shift) * 1000) / 1000, type, data];
  });
}

const defaultTimers: PlayerTimers = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
};

export class Player {
  private state: PlaybackState = INITIAL_PLAYBACK;
  private readonly listeners = new Set<() => void>();
  private readonly timers: PlayerTimers;
  private events: CastEvent[] = [];
  private next = 0;
  private timer: unknown = null;
  /** Bumped by each play/stop: a load that finishes late is dropped. */
  private generation = 0;

  constructor(private readonly opts: PlayerOptions) {
    this.timers = opts.timers ?? defaultTimers;
  }

  get = (): PlaybackState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  private set(patch: Partial<PlaybackState>): void {
    this.state = {...this.state, ...patch};
    for (const l of [...this.listeners]) l();
  }

  setManifest(manifest: RecordingsManifest | null): void {
    this.set({manifest});
  }

  /** Load and play a block's recording from `url` (the previous one, if any, stops). */
  async play(blockId: string, url: string, command: string): Promise<void> {
    this.halt();
    const generation = ++this.generation;
    this.set({status: 'loading', blockId, info: null, recordedAt: null, position: 0, duration: 0, message: null});
    let text: string | null;
    try {
      text = await this.opts.fetchText(url);
    } catch {
      text = null;
    }
    if (generation !== this.generation) return;
    let parsed;
    try {
      parsed = text === null ? null : parseCast(text);
    } catch {
      parsed = null;
    }
    if (!parsed) {
      const message = 'This block has no recording to play, and the companion server is not running.';
      this.opts.write(playbackLine(`${message} (${command})`));
      this.set({status: 'missing', message});
      return;
    }
    this.events = capIdle(parsed.events);
    this.next = 0;
    const {lab} = parsed.header;
    const recordedAt = recordingDate(parsed.header.timestamp);
    const duration = this.events.length ? this.events[this.events.length - 1]![0] : 0;
    this.opts.write(playbackLine(`Recording of "${lab.command}", made ${recordedAt} on Docker ${lab.dockerVersion}. Not live: the companion server is not running.`));
    this.set({status: 'playing', info: lab, recordedAt, duration, position: 0});
    this.schedule();
  }

  pause = (): void => {
    if (this.state.status !== 'playing') return;
    this.clearTimer();
    this.set({status: 'paused'});
  };

  resume = (): void => {
    if (this.state.status !== 'paused') return;
    this.set({status: 'playing'});
    this.schedule();
  };

  togglePause = (): void => {
    if (this.state.status === 'playing') this.pause();
    else this.resume();
  };

  /** Write the rest of the recording at once. */
  skipToEnd = (): void => {
    if (this.state.status !== 'playing' && this.state.status !== 'paused') return;
    this.clearTimer();
    const rest = this.events.slice(this.next).map((e) => e[2]).join('');
    this.next = this.events.length;
    if (rest) this.opts.write(rest);
    this.finish();
  };

  setSpeed = (speed: number): void => {
    if (!Number.isFinite(speed) || speed <= 0) return;
    this.set({speed});
    if (this.state.status === 'playing') {
      this.clearTimer();
      this.schedule();
    }
  };

  /** Stop (the live server answered, or another block plays); `note` goes into the terminal. */
  stop(note?: string): void {
    const active = this.state.status === 'playing' || this.state.status === 'paused' || this.state.status === 'loading';
    this.halt();
    this.generation += 1;
    if (active && note) this.opts.write(playbackLine(note));
    if (this.state.status !== 'idle') this.set({status: 'idle', message: null});
  }

  private halt(): void {
    this.clearTimer();
    this.events = [];
    this.next = 0;
  }

  private schedule(): void {
    const e = this.events[this.next];
    if (!e) {
      this.finish();
      return;
    }
    const wait = Math.max(0, (e[0] - this.state.position) / this.state.speed) * 1000;
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      this.step();
    }, wait);
  }

  /** Write every event that is due now, then wait for the next. */
  private step(): void {
    const e = this.events[this.next];
    if (!e) return this.finish();
    let data = '';
    const at = e[0];
    while (this.next < this.events.length && this.events[this.next]![0] <= at) {
      data += this.events[this.next]![2];
      this.next += 1;
    }
    this.opts.write(data);
    this.set({position: at});
    this.schedule();
  }

  private finish(): void {
    const code = this.state.info?.exitCode ?? 0;
    this.opts.write(playbackLine(`End of the recording (exit code ${code}). Not live: start the companion server to run blocks for real.`));
    this.set({status: 'done', position: this.state.duration});
  }

  private clearTimer(): void {
    if (this.timer !== null) {
      this.timers.clearTimeout(this.timer);
      this.timer = null;
    }
  }
}

const players = new WeakMap<LabSessionClient, Player>();

async function fetchText(url: string): Promise<string | null> {
  const res = await fetch(url, {cache: 'no-cache'});
  return res.ok ? res.text() : null;
}

/** The page's one player, beside its session client (it writes into the same terminal). */
export function playerFor(client: LabSessionClient): Player {
  let player = players.get(client);
  if (!player) {
    player = new Player({write: (data) => client.writeLocalText(data), fetchText});
    players.set(client, player);
  }
  return player;
}
