/**
 * The Engine API's JSON message stream (push, pull, classic build) rendered the way the docker CLI
 * renders it (moby `pkg/jsonmessage`): one line per layer id, redrawn in place with cursor movement,
 * a progress bar when the terminal is wide enough, sizes in base-1000 units.
 *
 * Also the number formatting the CLI gets from Go's fmt and docker/go-units (`HumanSize`,
 * `HumanSizeWithPrecision`, `HumanDuration`), reused by the other renderers.
 *
 * Pure: messages in, terminal bytes out (`\r\n` line ends, for xterm.js without convertEol).
 */
import type {JSONMessage} from '../engine/messages';
import {crlf, red} from '../terminal/style';

export type {JSONMessage};

export interface StreamError {
  message: string;
  code: number;
}

// ANSI colours and line ends: one module for the whole server.
export {RED, RESET, crlf, red} from '../terminal/style';

// ---------------------------------------------------------------------------------------------
// Go number formatting (strconv semantics: exact decimal value of the double, ties to even)

interface Decimal {
  /** significant digits, no leading or trailing zeros ('' for zero) */
  d: string;
  /** decimal point position: value = 0.d × 10^dp */
  dp: number;
}

function exactDecimal(x: number): Decimal {
  if (x === 0) return {d: '', dp: 0};
  // toExponential(100) gives 101 significant digits, enough for the exact value of the doubles
  // met here (sizes, durations): they need at most ~70.
  const s = Math.abs(x).toExponential(100);
  const m = /^(\d)\.(\d+)e([+-]\d+)$/.exec(s);
  if (!m) throw new Error(`cannot format ${x}`);
  let d = (m[1] ?? '') + (m[2] ?? '');
  d = d.replace(/0+$/, '');
  return {d, dp: Number(m[3]) + 1};
}

/** Round to nd significant digits, half-even on exact ties (Go's decimal.Round). */
function roundDecimal(a: Decimal, nd: number): Decimal {
  if (nd < 0) return {d: '', dp: a.dp};
  if (nd >= a.d.length) return a;
  const next = a.d.charCodeAt(nd) - 48;
  let up: boolean;
  if (next === 5 && nd + 1 === a.d.length) {
    up = nd > 0 && (a.d.charCodeAt(nd - 1) - 48) % 2 === 1;
  } else {
    up = next >= 5;
  }
  let digits = a.d.slice(0, nd);
  let dp = a.dp;
  if (up) {
    let i = digits.length - 1;
    while (i >= 0 && digits[i] === '9') i--;
    if (i < 0) {
      digits = '1';
      dp += 1;
    } else {
      digits = digits.slice(0, i) + String.fromCharCode(digits.charCodeAt(i) + 1);
    }
  }
  digits = digits.replace(/0+$/, '');
  return {d: digits, dp};
}

function digitAt(a: Decimal, i: number): string {
  return i >= 0 && i < a.d.length ? (a.d[i] as string) : '0';
}

/** Go's `fmt.Sprintf("%.<prec>f", x)`. */
export function goFormatF(x: number, prec: number): string {
  if (!Number.isFinite(x)) return String(x);
  const neg = x < 0;
  const exact = exactDecimal(x);
  const r = roundDecimal(exact, exact.dp + prec);
  let int = '';
  if (r.dp > 0) {
    for (let i = 0; i < r.dp; i++) int += digitAt(r, i);
  } else {
    int = '0';
  }
  let frac = '';
  for (let i = 0; i < prec; i++) frac += digitAt(r, r.dp + i);
  const body = prec > 0 ? `${int}.${frac}` : int;
  return neg ? `-${body}` : body;
}

/** Go's `fmt.Sprintf("%.<prec>g", x)` (no trailing zeros, %e form when the exponent is large). */
export function goFormatG(x: number, prec: number): string {
  if (!Number.isFinite(x)) return x > 0 ? '+Inf' : x < 0 ? '-Inf' : 'NaN';
  if (prec <= 0) prec = 1;
  const sign = x < 0 ? '-' : '';
  if (x === 0) return `${sign}0`;
  const digs = roundDecimal(exactDecimal(x), prec);
  const nd = digs.d.length;
  let eprec = prec;
  if (eprec > nd && nd >= digs.dp) eprec = nd;
  const exp = digs.dp - 1;
  if (exp < -4 || exp >= eprec) {
    const p = Math.min(prec, nd);
    let mant = digs.d[0] ?? '0';
    if (p > 1) mant += '.' + digs.d.slice(1, p).padEnd(p - 1, '0');
    const e = Math.abs(exp);
    return `${sign}${mant}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
  }
  const decimals = prec > digs.dp ? Math.max(nd - digs.dp, 0) : 0;
  let int = '';
  if (digs.dp > 0) {
    for (let i = 0; i < digs.dp; i++) int += digitAt(digs, i);
  } else {
    int = '0';
  }
  let frac = '';
  for (let i = 0; i < decimals; i++) frac += digitAt(digs, digs.dp + i);
  return sign + (decimals > 0 ? `${int}.${frac}` : int);
}

// ---------------------------------------------------------------------------------------------
// docker/go-units

const DECIMAL_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];

/**
 * go-units `HumanSizeWithPrecision(bytes, precision)`: base 1000, `%.<precision>g`.
 * The default precision 3 is what `docker images` / `docker history` show (`4.26MB`, `1.83GB`, `0B`);
 * progress bars use 4 (`HumanSize`).
 */
export function humanSize(bytes: number, precision = 3): string {
  let size = bytes;
  let i = 0;
  while (size >= 1000 && i < DECIMAL_UNITS.length - 1) {
    size /= 1000;
    i++;
  }
  return goFormatG(size, precision) + DECIMAL_UNITS[i];
}

/** go-units `HumanDuration`: `Less than a second`, `About a minute`, `3 hours`, `2 weeks`… */
export function humanDuration(seconds: number): string {
  const s = Math.trunc(seconds);
  if (s < 1) return 'Less than a second';
  if (s === 1) return '1 second';
  if (s < 60) return `${s} seconds`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.trunc(seconds / 3600 + 0.5);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.trunc(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.trunc(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24 / 30)} months`;
  return `${Math.trunc(seconds / 3600 / 24 / 365)} years`;
}

/** `HumanDuration(now - t) + " ago"`, as the CLI's CREATED columns show. */
export function timeAgo(unixSeconds: number, nowMs: number = Date.now()): string {
  return `${humanDuration(nowMs / 1000 - unixSeconds)} ago`;
}

/** Go's `time.Duration.String()` for a whole number of seconds (`0s`, `45s`, `1m30s`, `2h0m5s`). */
export function goDurationSeconds(totalSeconds: number): string {
  let s = Math.max(0, Math.trunc(totalSeconds));
  if (s === 0) return '0s';
  const h = Math.trunc(s / 3600);
  s -= h * 3600;
  const m = Math.trunc(s / 60);
  s -= m * 60;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}

// ---------------------------------------------------------------------------------------------
// JSONProgress.String()

export function progressString(
  p: NonNullable<JSONMessage['progressDetail']>,
  width: number,
  nowMs: number = Date.now(),
): string {
  const current = p.current ?? 0;
  const total = p.total ?? 0;
  const units = p.units ?? '';
  if (current <= 0 && total <= 0) return '';
  if (total <= 0) {
    return units === '' ? humanSize(current, 4).padStart(8) : `${current} ${units}`;
  }
  let percentage = Math.trunc(Math.trunc((current / total) * 100) / 2);
  if (percentage > 50) percentage = 50;
  let pbBox = '';
  if (width > 110) {
    const numSpaces = 50 - percentage > 0 ? 50 - percentage : 0;
    pbBox = `[${'='.repeat(percentage)}>${' '.repeat(numSpaces)}] `;
  }
  let numbersBox = '';
  if (p.hidecounts) {
    // nothing
  } else if (units === '') {
    const cur = humanSize(current, 4);
    numbersBox = current > total ? cur.padStart(8) : `${cur.padStart(8)}/${humanSize(total, 4)}`;
  } else {
    numbersBox = current > total ? `${current} ${units}` : `${current}/${total} ${units}`;
  }
  let timeLeftBox = '';
  const start = p.start ?? 0;
  if (current > 0 && start > 0 && percentage < 50) {
    const fromStartNs = (nowMs - start * 1000) * 1e6;
    const perEntry = Math.trunc(fromStartNs / current);
    const leftSeconds = Math.trunc(((total - current) * perEntry) / 1e9);
    if (width > 50) timeLeftBox = ' ' + goDurationSeconds(leftSeconds);
  }
  return pbBox + numbersBox + timeLeftBox;
}

/** Go's RFC3339NanoFixed in UTC: `2006-01-02T15:04:05.000000000Z`. */
function rfc3339NanoFixed(ns: bigint): string {
  const ms = Number(ns / 1_000_000n);
  const iso = new Date(ms).toISOString(); // 2006-01-02T15:04:05.000Z
  const nanos = ((ns % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n;
  return `${iso.slice(0, 19)}.${nanos.toString().padStart(9, '0')}Z`;
}

function hasAux(msg: JSONMessage): boolean {
  return msg.aux !== undefined && msg.aux !== null;
}

/** The error a message carries (errorDetail, or the deprecated error string), with the CLI's exit code. */
export function messageError(msg: JSONMessage): StreamError | undefined {
  if (msg.errorDetail == null && !msg.error) return undefined;
  const message = msg.errorDetail?.message || msg.error || '';
  const code = msg.errorDetail?.code || 1;
  return {message, code};
}

export interface ProgressRendererOptions {
  cols: number;
  /** default true: redraw layer lines in place; false: the CLI's output when stdout is not a terminal */
  tty?: boolean;
  /** clock for the ETA (only shown when the engine sends progressDetail.start); ms since epoch */
  now?: () => number;
}

/**
 * moby `DisplayJSONMessagesStream` + `JSONMessage.Display`, one message at a time.
 * After an error message it renders nothing more (the CLI stops reading the stream there).
 */
export class ProgressRenderer {
  private cols: number;
  private readonly tty: boolean;
  private readonly now: () => number;
  /** layer id → line index, counted from the first progress line after the last non-progress message */
  private ids = new Map<string, number>();
  private err?: StreamError;

  constructor(opts: ProgressRendererOptions) {
    this.cols = opts.cols;
    this.tty = opts.tty ?? true;
    this.now = opts.now ?? Date.now;
  }

  get error(): StreamError | undefined {
    return this.err;
  }

  resize(cols: number): void {
    this.cols = cols;
  }

  write(msg: JSONMessage): string {
    if (this.err) return '';
    if (hasAux(msg)) return '';
    const hasProgress = msg.progressDetail !== undefined && msg.progressDetail !== null;
    const progressMessage = msg.progress ?? '';
    const id = msg.id ?? '';
    let out = '';
    let diff = 0;
    if (id !== '' && (hasProgress || progressMessage !== '')) {
      let line = this.ids.get(id);
      if (line === undefined) {
        line = this.ids.size;
        this.ids.set(id, line);
        if (this.tty) out += '\r\n';
      }
      diff = this.ids.size - line;
      if (this.tty && diff > 0) out += `\x1b[${diff}A`;
    } else {
      this.ids.clear();
    }

    const err = messageError(msg);
    if (err) {
      this.err = err;
      if (id !== '' && this.tty && diff > 0) out += `\x1b[${diff}B`;
      return out + red(crlf(err.message)) + '\r\n';
    }

    out += this.display(msg, hasProgress, progressMessage);
    if (id !== '' && this.tty && diff > 0) out += `\x1b[${diff}B`;
    return out;
  }

  private display(msg: JSONMessage, hasProgress: boolean, progressMessage: string): string {
    const stream = msg.stream ?? '';
    const status = msg.status ?? '';
    let out = '';
    let endl = '';
    const bar = hasProgress ? progressString(msg.progressDetail ?? {}, this.tty ? this.cols : 200, this.now()) : '';
    if (this.tty && stream === '' && hasProgress) {
      out += '\x1b[2K\r';
      endl = '\r';
    } else if (hasProgress && bar !== '') {
      return ''; // no progress bars when not on a terminal
    }
    if (msg.timeNano) {
      out += rfc3339NanoFixed(BigInt(Math.trunc(msg.timeNano))) + ' ';
    } else if (msg.time) {
      out += rfc3339NanoFixed(BigInt(Math.trunc(msg.time)) * 1_000_000_000n) + ' ';
    }
    if (msg.id) out += `${msg.id}: `;
    if (msg.from) out += `(from ${msg.from}) `;
    if (hasProgress && this.tty) {
      out += `${status} ${bar}${endl}`;
    } else if (progressMessage !== '') {
      out += `${status} ${progressMessage}${endl}`;
    } else if (stream !== '') {
      out += stream + endl;
    } else {
      out += `${status}${endl}\n`;
    }
    return crlf(out);
  }
}
