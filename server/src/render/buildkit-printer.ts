/**
 * BuildKit's `--progress=plain` output, fed by the Engine's `moby.buildkit.trace` messages.
 *
 * `BuildkitPlainPrinter` (events from buildkit-status.ts' decodeTrace) follows buildkit's `util/progress/progressui` (trace.update + textMux.print):
 * `#N name`, `#N <status>`, `#N 0.123 log line`, `#N CACHED` / `#N DONE 1.2s` / `#N ERROR: …`,
 * a blank line between vertexes, `#N ...` when it switches away from an unfinished vertex, and on
 * failure the `------ > step: … ------` box and the error. Two flavours:
 *  - 'buildx' (default): what current docker/buildx prints (numbers given in print order, the box
 *    holds the failed step's last 10 log lines, the error is printed as `ERROR: <message>`);
 *  - 'docker-20.10': byte for byte what Debian's docker 20.10 CLI prints (`DOCKER_BUILDKIT=1
 *    docker build --progress=plain`): a `#N sha256:…` line under each name, numbers given when a
 *    vertex is first seen, an empty box, the bare error message.
 * Output uses `\r\n` line ends; the ERROR lines are red.
 */
import {type SolveStatus, type Vertex, type VertexLog, type VertexStatus, type VertexWarning, nsOf, secondsBetween} from './buildkit-status';
import {RED, RESET, goFormatF} from './jsonmessage';

// ---------------------------------------------------------------------------------------------
// The plain printer

export type PlainFlavor = 'buildx' | 'docker-20.10';

export interface PlainPrinterOptions {
  flavor?: PlainFlavor;
  /** wall clock (ms): when to switch between vertexes running in parallel, and the rate limit */
  now?: () => number;
  /**
   * Print at most once per this many ms, as the CLI does (100): updates arriving in between are
   * merged, which hides the engine's repeated vertex messages (`#1 load …` printed twice). The
   * caller must then call tick() every ~150 ms so that merged updates are not held back. 0 (the
   * default): print on every write.
   */
  rateLimitMs?: number;
}

interface Interval {
  start: Date;
  stop?: Date;
}

interface StatusHolder {
  s: VertexStatus;
}

interface VState {
  digest: string;
  index: number;
  vertex: Vertex;
  prev?: Vertex;
  intervals: Map<bigint, Interval>;
  merged: Interval[];
  statuses: StatusHolder[];
  byId: Map<string, StatusHolder>;
  statusUpdates: Set<string>;
  /** unprinted log lines, each `<seconds> <text>`; the last one is unfinished when logsPartial */
  logs: string[];
  logsPartial: boolean;
  /** characters of logs[0] already printed */
  logsOffset: number;
  /** last printed lines, for the error box */
  logsBuffer: string[];
  /** the last logsBuffer entry is an unfinished line */
  bufferPartial: boolean;
  decoder: TextDecoder;
  warnings: VertexWarning[];
  warningIdx: number;
  count: number;
  lastBlockTime?: number;
}

const LOGS_BUFFER_SIZE = 10;
const ANTI_FLICKER_S = 5;
const MAX_DELAY_MS = 10_000;
const MIN_TIME_DELTA_S = 5;
const MIN_PROGRESS_DELTA = 0.05;
const CANCELED = 'context canceled';

function mergeIntervals(intervals: Interval[]): Interval[] {
  const byStart = (a: Interval, b: Interval) => {
    const x = nsOf(a.start);
    const y = nsOf(b.start);
    return x < y ? -1 : x > y ? 1 : 0;
  };
  const list = intervals.filter((i) => i.start).sort(byStart);
  const first = list[0];
  if (!first) return [];
  const merged: Interval[] = [];
  let cur: Interval = first;
  for (let i = 1; i < list.length; i++) {
    const next = list[i] as Interval;
    if (!cur.stop) {
      merged.push(cur);
      return merged;
    }
    if (nsOf(cur.stop) < nsOf(next.start)) {
      merged.push(cur);
      cur = next;
      continue;
    }
    if (!next.stop) {
      merged.push({start: cur.start});
      return merged;
    }
    if (nsOf(cur.stop) >= nsOf(next.stop)) continue;
    cur = {start: cur.start, stop: next.stop};
  }
  merged.push(cur);
  return merged;
}

/** tonistiigi/units `%.2f` of a byte count: `37B`, `1.23kB`, `2.81MB`. */
function formatBytes(n: number): string {
  const unitNames = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];
  if (n < 1000) return `${n}B`;
  let i = 0;
  let base = 1;
  while (n >= base * 1000 && i < unitNames.length - 1) {
    base *= 1000;
    i++;
  }
  return goFormatF(n / base, 2) + unitNames[i];
}

/** What a terminal finally shows of a line holding carriage returns. */
function visibleText(line: string): string {
  if (!line.includes('\r')) return line;
  const sp = line.indexOf(' ');
  const head = line.slice(0, sp + 1);
  const segments = line.slice(sp + 1).split('\r');
  for (let i = segments.length - 1; i >= 0; i--) {
    if (segments[i]) return head + segments[i];
  }
  return head;
}

export class BuildkitPlainPrinter {
  private readonly flavor: PlainFlavor;
  private readonly now: () => number;
  private readonly byDigest = new Map<string, VState>();
  /** vertexes in the order they started (error boxes are printed in this order) */
  private readonly started: VState[] = [];
  private readonly updates = new Set<string>();
  private current = '';
  private notFirst = false;
  private nextIndex = 0;
  private readonly last = new Map<string, {current: number; timestamp?: Date}>();
  private atLineStart = true;
  private readonly rateLimitMs: number;
  private lastPrint = -Infinity;
  private held = false;

  constructor(opts: PlainPrinterOptions = {}) {
    this.flavor = opts.flavor ?? 'buildx';
    this.now = opts.now ?? Date.now;
    this.rateLimitMs = opts.rateLimitMs ?? 0;
  }

  write(status: SolveStatus): string {
    this.update(status);
    if (this.rateLimitMs > 0) {
      const now = this.now();
      if (now - this.lastPrint < this.rateLimitMs) {
        this.held = true;
        return '';
      }
      this.lastPrint = now;
    }
    this.held = false;
    return this.emit(this.print());
  }

  /** With rateLimitMs: print what write() held back (call every ~150 ms). Otherwise ''. */
  tick(): string {
    if (!this.held) return '';
    this.held = false;
    this.lastPrint = this.now();
    return this.emit(this.print());
  }

  /**
   * The build was canceled (Ctrl-C): every step still running ends as `#N CANCELED`, as buildx shows
   * it when the engine reports them canceled (the lab stops reading the stream at once). Printed at
   * once, whatever the rate limit.
   */
  cancel(): string {
    this.held = false;
    const open: Vertex[] = [];
    for (const v of this.byDigest.values()) {
      const started = v.vertex.started;
      if (started && this.isStarted(v) && !this.isCompleted(v)) {
        open.push({...v.vertex, completed: started, error: CANCELED});
      }
    }
    this.update({vertexes: open, statuses: [], logs: []});
    return this.emit(this.print());
  }

  /**
   * End of the build. With an error: the box holding the failed step's last log lines, (buildx)
   * the failed instruction's lines of the Dockerfile when `source` finds them, then the error (red).
   * Without: normally nothing.
   */
  finish(error?: string, opts: {source?: (vertexName: string) => string; fallbackSource?: string} = {}): string {
    this.held = false;
    let out = this.print();
    // an unfinished log line is still open on the terminal
    if (out !== '' ? !out.endsWith('\n') : !this.atLineStart) out += '\n';
    let source = '';
    for (const v of this.started) {
      if (v.vertex.error === '' || v.vertex.error.endsWith(CANCELED)) continue;
      out += '------\n';
      out += ` > ${v.vertex.name}:\n`;
      if (this.flavor === 'buildx') {
        for (const l of v.logsBuffer) out += l + '\n';
      } else {
        for (const l of v.logs) out += `#${v.index} ${visibleText(l)}\n`;
      }
      out += '------\n';
      // buildx: after the boxes, the failed instruction's lines of the Dockerfile
      if (this.flavor === 'buildx' && opts.source && source === '') source = opts.source(v.vertex.name);
    }
    out += source || (this.flavor === 'buildx' ? (opts.fallbackSource ?? '') : '');
    if (error) {
      out += `${RED}${this.flavor === 'buildx' ? 'ERROR: ' : ''}${error}${RESET}\n`;
    }
    return this.emit(out);
  }

  private emit(out: string): string {
    if (out !== '') this.atLineStart = out.endsWith('\n');
    // Most output has no CR at all: a plain string replace is several times faster than the regex.
    return out.includes('\r') ? out.replace(/\r?\n/g, '\r\n') : out.replaceAll('\n', '\r\n');
  }

  // --- trace.update ---------------------------------------------------------------------------

  private isStarted(v: VState): boolean {
    return this.flavor === 'buildx' ? v.merged.length > 0 : v.vertex.started !== undefined;
  }

  private isCompleted(v: VState): boolean {
    if (this.flavor === 'buildx') {
      const last = v.merged[v.merged.length - 1];
      return last !== undefined && last.stop !== undefined;
    }
    return v.vertex.completed !== undefined;
  }

  private completedAt(v: VState): Date | undefined {
    if (this.flavor === 'buildx') return v.merged[v.merged.length - 1]?.stop;
    return v.vertex.completed;
  }

  private logStart(v: VState): Date | undefined {
    if (this.flavor === 'buildx') return v.merged[v.merged.length - 1]?.start;
    return v.vertex.started;
  }

  private bump(v: VState, c: number): void {
    if (v.count === 0) v.lastBlockTime = this.now();
    v.count += c;
  }

  private update(s: SolveStatus): void {
    for (const vtx of s.vertexes) {
      let state = this.byDigest.get(vtx.digest);
      const prevState = state;
      if (!state) {
        state = {
          digest: vtx.digest,
          index: this.flavor === 'docker-20.10' ? ++this.nextIndex : 0,
          vertex: vtx,
          intervals: new Map(),
          merged: [],
          statuses: [],
          byId: new Map(),
          statusUpdates: new Set(),
          logs: [],
          logsPartial: false,
          logsOffset: 0,
          logsBuffer: [],
          bufferPartial: false,
          decoder: new TextDecoder('utf-8'),
          warnings: [],
          warningIdx: 0,
          count: 0,
        };
        this.byDigest.set(vtx.digest, state);
      }
      this.triggerVertexEvent(state, vtx);
      const wasStarted = prevState !== undefined && this.isStarted(prevState);
      if (vtx.started && !wasStarted) this.started.push(state);
      // a repeated initial (not started) vertex must not reset a started one
      if (!wasStarted || vtx.started) state.vertex = vtx;
      if (vtx.started) {
        const at = nsOf(vtx.started);
        // The engine sometimes reports a vertex started (unfinished), then again with a later start,
        // cached and completed (about 1 cached build in 10). buildkit's own merge then keeps the first
        // interval open for good and the step is never shown as finished, in buildx too: a new start
        // ends what the engine left open before it.
        if (this.flavor === 'buildx') {
          for (const ival of state.intervals.values()) {
            if (!ival.stop && nsOf(ival.start) < at) ival.stop = vtx.started;
          }
        }
        state.intervals.set(at, {start: vtx.started, stop: vtx.completed});
        state.merged = mergeIntervals([...state.intervals.values()]);
      }
    }
    for (const st of s.statuses) {
      const v = this.byDigest.get(st.vertex);
      if (!v) continue;
      const prev = v.byId.get(st.id);
      let holder = prev;
      if (!holder) {
        holder = {s: st};
        v.byId.set(st.id, holder);
      }
      if (st.started && (!prev || !prev.s.started)) v.statuses.push(holder);
      holder.s = st;
      v.statusUpdates.add(st.id);
      this.updates.add(v.digest);
      this.bump(v, 1);
    }
    for (const w of s.warnings ?? []) {
      const v = this.byDigest.get(w.vertex);
      if (!v) continue;
      v.warnings.push(w);
      this.bump(v, 1);
    }
    for (const l of s.logs) {
      const v = this.byDigest.get(l.vertex);
      if (!v) continue;
      const text = v.decoder.decode(l.msg, {stream: true});
      if (text !== '') this.addLog(v, l, text);
      this.updates.add(v.digest);
      this.bump(v, 1);
    }
  }

  private triggerVertexEvent(state: VState, v: Vertex): void {
    if (!v.started) return;
    const old = state.prev;
    let changed = v.digest !== (old?.digest ?? '');
    if (v.name !== (old?.name ?? '')) changed = true;
    if (!old?.started || nsOf(v.started) !== nsOf(old.started)) changed = true;
    // Go compares the Completed pointers: a vertex that arrives completed always counts as changed
    if (v.completed) changed = true;
    if (v.cached !== (old?.cached ?? false)) changed = true;
    if (v.error !== (old?.error ?? '')) changed = true;
    if (changed) {
      this.bump(state, 1);
      this.updates.add(v.digest);
    }
    state.prev = v;
  }

  private addLog(v: VState, l: VertexLog, text: string): void {
    const pieces = text.split('\n');
    const complete = text.endsWith('\n');
    if (complete) pieces.pop();
    // Every line of one log message has the same time: format it once (a loud step sends
    // hundreds of lines per message, and Go's exact formatting is not cheap).
    let stamp: string | null = null;
    pieces.forEach((dt, i) => {
      if (v.logsPartial && v.logs.length !== 0 && i === 0) {
        v.logs[v.logs.length - 1] += dt;
      } else {
        if (stamp === null) {
          let sec = 0;
          const start = this.logStart(v);
          if (start && l.timestamp) sec = secondsBetween(start, l.timestamp);
          stamp = goFormatF(sec, sec < 10 ? 3 : sec < 100 ? 2 : 1);
        }
        v.logs.push(`${stamp} ${dt}`);
      }
      const terminated = i < pieces.length - 1 || complete;
      const lastIdx = v.logs.length - 1;
      const line = v.logs[lastIdx] as string;
      // CR LF line ends: the CR is not part of the line
      if (terminated && line.endsWith('\r')) v.logs[lastIdx] = line.slice(0, -1);
    });
    v.logsPartial = !complete;
  }

  // --- textMux.print --------------------------------------------------------------------------

  private print(): string {
    let out = '';
    const completed: string[] = [];
    const rest = new Set<string>();
    for (const d of this.updates) {
      const v = this.byDigest.get(d);
      if (!v) continue;
      if (this.isCompleted(v)) completed.push(d);
      else rest.add(d);
    }
    const current = this.current;

    // finished vertexes first, the current one before the others
    if (completed.includes(current)) out += this.printVtx(current);
    const sorted = completed
      .map((d, i) => ({d, i, at: this.completedAt(this.byDigest.get(d) as VState)}))
      .sort((a, b) => {
        const x = a.at ? nsOf(a.at) : 0n;
        const y = b.at ? nsOf(b.at) : 0n;
        return x < y ? -1 : x > y ? 1 : a.i - b.i;
      });
    for (const {d} of sorted) if (d !== current) out += this.printVtx(d);

    if (rest.size === 0) {
      if (current !== '') {
        const v = this.byDigest.get(current);
        if (v && this.isStarted(v) && !this.isCompleted(v)) return out;
      }
      // make any open vertex active
      for (const [d, v] of this.byDigest) {
        if (this.isStarted(v) && !this.isCompleted(v)) {
          out += this.printVtx(d);
          return out;
        }
      }
      return out;
    }

    if (rest.has(current)) out += this.printVtx(current);

    const now = this.now();
    const stats = new Map<string, {blockTime: number; speed: number; share: number; overLimit: boolean}>();
    let sum = 0;
    let max = '';
    if (current !== '') rest.add(current);
    for (const d of rest) {
      const v = this.byDigest.get(d);
      if (!v || v.lastBlockTime === undefined) continue;
      const blockTime = now - v.lastBlockTime;
      const speed = v.count / (blockTime / 1000);
      const overLimit = blockTime > MAX_DELAY_MS && d !== current;
      stats.set(d, {blockTime, speed, share: 0, overLimit});
      sum += speed;
      const m = stats.get(max);
      if (overLimit || max === '' || (m !== undefined && m.speed < speed)) max = d;
    }
    for (const st of stats.values()) st.share = st.speed / sum;

    if (completed.includes(current) || current === '') {
      if (max !== '') out += this.printVtx(max);
      return out;
    }
    for (const d of rest) {
      if (stats.get(d)?.overLimit) {
        out += this.printVtx(d);
        return out;
      }
    }
    const cs = stats.get(current);
    if (cs && max !== '' && (1 / (1 - cs.share)) * ANTI_FLICKER_S < cs.blockTime / 1000) {
      out += this.printVtx(max);
    }
    return out;
  }

  private printVtx(dgst: string): string {
    const v = this.byDigest.get(dgst);
    if (!v) return '';
    let out = '';
    if (v.index === 0) v.index = ++this.nextIndex;

    if (dgst !== this.current) {
      if (this.current !== '') {
        const old = this.byDigest.get(this.current);
        if (old) {
          if (old.logsPartial) out += '\n';
          old.logsOffset = 0;
          old.count = 0;
          out += `#${old.index} ...\n`;
        }
      }
      if (this.notFirst) out += '\n';
      else this.notFirst = true;
      out += `#${v.index} ${v.vertex.name}\n`;
      if (this.flavor === 'docker-20.10') out += `#${v.index} ${v.digest}\n`;
    }

    let openStatus = false;
    for (const h of v.statuses) {
      const s = h.s;
      if (!v.statusUpdates.has(s.id)) continue;
      const last = this.last.get(s.id);
      if (last && !s.completed) {
        const progressDelta = s.total > 0 ? (s.current - last.current) / s.total : 0;
        const timeDelta = last.timestamp && s.timestamp ? secondsBetween(last.timestamp, s.timestamp) : 0;
        if (progressDelta < MIN_PROGRESS_DELTA && timeDelta < MIN_TIME_DELTA_S) continue;
      }
      this.last.set(s.id, {current: s.current, timestamp: s.timestamp});
      let b = '';
      if (s.total !== 0) b = ` ${formatBytes(s.current)} / ${formatBytes(s.total)}`;
      else if (s.current !== 0) b = ` ${formatBytes(s.current)}`;
      let tm = '';
      const end = s.completed ?? s.timestamp;
      if (s.started && end) {
        const diff = secondsBetween(s.started, end);
        if (diff > 0.01) tm = ` ${goFormatF(diff, 1)}s`;
      }
      if (s.completed) tm += ' done';
      else openStatus = true;
      out += `#${v.index} ${s.id}${b}${tm}\n`;
    }
    v.statusUpdates.clear();

    if (this.flavor === 'buildx') {
      for (; v.warningIdx < v.warnings.length; v.warningIdx++) {
        const w = v.warnings[v.warningIdx] as VertexWarning;
        out += `#${v.index} WARN: ${new TextDecoder().decode(w.short)}\n`;
      }
    }

    v.logs.forEach((l, i) => {
      const lastLine = i === v.logs.length - 1;
      const partial = lastLine && v.logsPartial;
      // an unfinished line's trailing CR waits for what follows it (LF, or more text to overwrite)
      const end = partial && l.endsWith('\r') ? l.length - 1 : l.length;
      const from = i === 0 ? v.logsOffset : 0;
      const sp = l.indexOf(' ');
      const linePrefix = `#${v.index} ${l.slice(0, sp + 1)}`;
      const text = l.slice(from, end).split('\r').join(`\r\x1b[2K${linePrefix}`);
      out += from === 0 ? `#${v.index} ${text}` : text;
      if (!partial) out += '\n';
      // the error box keeps the last lines as the terminal shows them
      const visible = visibleText(l.slice(0, end));
      if (i === 0 && from !== 0 && v.logsBuffer.length > 0 && v.bufferPartial) {
        v.logsBuffer[v.logsBuffer.length - 1] = visible;
      } else {
        v.logsBuffer.push(visible);
        if (v.logsBuffer.length > LOGS_BUFFER_SIZE) v.logsBuffer.shift();
      }
      v.bufferPartial = partial;
      if (partial) v.logsOffset = end;
    });
    if (v.logs.length > 0) {
      if (v.logsPartial) {
        v.logs = v.logs.slice(-1);
      } else {
        v.logs = [];
        v.logsOffset = 0;
      }
    }

    this.current = dgst;
    const done = this.isCompleted(v) && (this.flavor === 'docker-20.10' || !openStatus);
    if (done) {
      this.current = '';
      v.count = 0;
      const vtx = v.vertex;
      if (v.logsPartial) {
        // docker 20.10 ended an unfinished line only before an ERROR (`…at the end#7 DONE 3.1s`)
        if (this.flavor === 'buildx' || vtx.error !== '') out += '\n';
        v.logs = [];
        v.logsPartial = false;
        v.logsOffset = 0;
        v.bufferPartial = false;
      }
      if (vtx.error !== '') {
        if (vtx.error.endsWith(CANCELED)) out += `#${v.index} CANCELED\n`;
        else out += `${RED}#${v.index} ERROR: ${vtx.error}${RESET}\n`;
      } else if (vtx.cached) {
        out += `#${v.index} CACHED\n`;
      } else {
        let tm = '';
        if (this.flavor === 'buildx') {
          if (v.merged.length > 0) {
            let dt = 0;
            for (const ival of v.merged) if (ival.stop) dt += secondsBetween(ival.start, ival.stop);
            tm = ` ${goFormatF(dt, 1)}s`;
          }
        } else if (vtx.started && vtx.completed) {
          tm = ` ${goFormatF(secondsBetween(vtx.started, vtx.completed), 1)}s`;
        }
        out += `#${v.index} DONE${tm}\n`;
      }
    }
    this.updates.delete(dgst);
    return out;
  }
}
