/**
 * The flag scanner: spf13/pflag's parse loop, as the docker CLI uses it (see
 * parse.ts for why not util.parseArgs).
 */
import {goQuote, sanitize} from './quote';
import {EXIT_USAGE} from './result';

export type FlagType = 'bool' | 'string';

export interface FlagDef {
  long: string;
  short?: string;
  type: FlagType;
  /** Shown in help after the name ("string", "list"); booleans show none. */
  valueName?: string;
  usage: string;
  /** Validates a value when it is set; returns the error detail. */
  check?: (value: string) => string | undefined;
  /** The flag exists in the docker CLI but not here: using it is an error with this message. */
  refuse?: string;
  /** Refusing it means the line held a secret. */
  sensitive?: true;
}

export interface Failure {
  message: string;
  exitCode: number;
  sensitive?: true;
}

/** Flag values by long name, in the order they were set (validated). */
export type FlagValues = Map<string, string[]>;

export interface Scan {
  values: FlagValues;
  positionals: string[];
}

export const NOT_HERE = 'is not supported in this terminal';

/** A flag of the docker CLI the lab does not take: refused with a message (and why, when there is a reason). */
export function refused(long: string, short?: string, type: FlagType = 'string', why?: string): FlagDef {
  const name = short !== undefined ? `-${short}, --${long}` : `--${long}`;
  return {long, short, type, usage: '', refuse: `the ${name} option ${NOT_HERE}${why ? `: ${why}` : ''}`};
}

export const HELP_FLAG: FlagDef = {long: 'help', short: 'h', type: 'bool', usage: 'Print usage'};

/**
 * pflag's parse loop. With `interspersed` false (the root command) scanning
 * stops at the first positional and the rest is returned unparsed.
 */
export function scanFlags(
  args: string[],
  flags: FlagDef[],
  commandPath: string,
  interspersed = true,
): Scan | Failure {
  const values: FlagValues = new Map();
  const positionals: string[] = [];
  const flagError = (msg: string): Failure => ({
    message: `${msg}\nSee '${commandPath} --help'.`,
    exitCode: EXIT_USAGE,
  });
  const set = (def: FlagDef, value: string): Failure | undefined => {
    if (def.refuse !== undefined) {
      const failure = flagError(def.refuse);
      if (def.sensitive) failure.sensitive = true;
      return failure;
    }
    let stored = value;
    if (def.type === 'bool') {
      const b = parseGoBool(value);
      if (b === undefined) {
        return flagError(
          `invalid argument ${goQuote(value)} for ${goQuote(flagDisplayName(def))} flag: strconv.ParseBool: parsing ${goQuote(value)}: invalid syntax`,
        );
      }
      stored = String(b);
    } else if (def.check) {
      const problem = def.check(value);
      if (problem !== undefined) {
        return flagError(`invalid argument ${goQuote(value)} for ${goQuote(flagDisplayName(def))} flag: ${problem}`);
      }
    }
    const list = values.get(def.long) ?? [];
    list.push(stored);
    values.set(def.long, list);
    return undefined;
  };

  let i = 0;
  while (i < args.length) {
    const s = args[i++]!;
    if (s === '--') {
      positionals.push(...args.slice(i));
      break;
    }
    if (s.length < 2 || s[0] !== '-') {
      positionals.push(s);
      if (!interspersed) {
        positionals.push(...args.slice(i));
        break;
      }
      continue;
    }
    if (s[1] === '-') {
      let name = s.slice(2);
      if (name.startsWith('-') || name.startsWith('=')) return flagError(`bad flag syntax: ${sanitize(s)}`);
      let inline: string | undefined;
      const eq = name.indexOf('=');
      if (eq >= 0) {
        inline = name.slice(eq + 1);
        name = name.slice(0, eq);
      }
      const def = flags.find((f) => f.long === name);
      if (!def) return flagError(`unknown flag: --${sanitize(name)}`);
      let value: string;
      if (inline !== undefined) value = inline;
      else if (def.type === 'bool') value = 'true';
      else if (def.refuse !== undefined) value = '';
      else if (i < args.length) value = args[i++]!;
      else return flagError(`flag needs an argument: --${name}`);
      const err = set(def, value);
      if (err) return err;
      continue;
    }
    let shorthands = s.slice(1);
    while (shorthands.length > 0) {
      const c = String.fromCodePoint(shorthands.codePointAt(0)!);
      const def = flags.find((f) => f.short === c);
      if (!def) {
        return flagError(`unknown shorthand flag: ${goQuote(c, "'")} in -${sanitize(shorthands)}`);
      }
      let value: string;
      if (shorthands.length > 2 && shorthands[c.length] === '=') {
        value = shorthands.slice(c.length + 1);
        shorthands = '';
      } else if (def.type === 'bool') {
        value = 'true';
        shorthands = shorthands.slice(c.length);
      } else if (def.refuse !== undefined) {
        value = '';
        shorthands = '';
      } else if (shorthands.length > c.length) {
        value = shorthands.slice(c.length);
        shorthands = '';
      } else if (i < args.length) {
        value = args[i++]!;
        shorthands = '';
      } else {
        return flagError(`flag needs an argument: ${goQuote(c, "'")} in -${sanitize(shorthands)}`);
      }
      const err = set(def, value);
      if (err) return err;
    }
  }
  return {values, positionals};
}

export function isFailure(x: Scan | Failure): x is Failure {
  return 'exitCode' in x;
}

export function flagDisplayName(def: FlagDef): string {
  return def.short !== undefined ? `-${def.short}, --${def.long}` : `--${def.long}`;
}

/** Go's strconv.ParseBool. */
export function parseGoBool(s: string): boolean | undefined {
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(s)) return false;
  return undefined;
}

export function lastString(v: FlagValues, name: string): string | undefined {
  const list = v.get(name);
  return list === undefined ? undefined : list[list.length - 1];
}

export function boolValue(v: FlagValues, name: string, dflt = false): boolean {
  const last = lastString(v, name);
  return last === undefined ? dflt : last === 'true';
}
