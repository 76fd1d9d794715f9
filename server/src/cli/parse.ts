/**
 * Turns a terminal line into a typed Command, or into the message and exit
 * code the docker CLI would give.
 *
 * Only an allow-list of docker commands is recognised (see SUPPORTED_COMMANDS);
 * every other program or docker subcommand is refused here, before anything
 * reaches the engine.
 *
 * Flags are scanned the way the docker CLI's flag library (spf13/pflag) does,
 * because readers type what the docker docs show: `-t x`, `-tx`, `-t=x`,
 * `--tag x`, `--tag=x`, grouped booleans (`-qa`), `--no-trunc=false`,
 * `-H=false`, `--` ending the options, flags after positionals. Node's
 * util.parseArgs differs from pflag on several of these (`-t=x` gives "=x",
 * `--human=false` is refused, `-H=false` is read as a group of letters) and
 * its errors are not the CLI's, so a small pflag-compatible scanner is used.
 *
 * Messages follow docker CLI 20.10 (`cli/required.go`, `cli/cobra.go`
 * FlagErrorFunc, pflag's errors), checked against the 20.10.24 binary:
 *   flag errors:      "<error>\nSee 'docker build --help'."                    exit 125
 *   argument counts:  "\"docker build\" requires exactly 1 argument.\nSee ...\n\nUsage:  ...\n\n<short>"  exit 1
 * Messages use "\n" line breaks, carry no trailing newline and never contain
 * control characters (user text is quoted Go-style), so the caller can colour
 * them and convert line breaks for the terminal.
 *
 * One job per file: argv.ts splits the line, flags.ts scans flags,
 * command-table.ts holds the commands and their flags, help.ts prints help,
 * quote.ts quotes user text, result.ts is what parsing returns; this file
 * dispatches a line through them.
 */
import {type CommandSpec, IMAGE_FLAGS, IMAGE_SUBCOMMANDS, KNOWN_UNSUPPORTED, KNOWN_UNSUPPORTED_IMAGE, ROOT_FLAGS, TOP_LEVEL} from './command-table';
import {HELP_FLAG, NOT_HERE, boolValue, isFailure, scanFlags} from './flags';
import {quoteIfNeeded, sanitize} from './quote';
import {EXIT_FAILURE, EXIT_NOT_FOUND, type ParseResult, SUPPORTED_LINE, failure, success} from './result';

import {splitArgv} from './argv';
import {closestCommand} from './suggest';

export {EXIT_FAILURE, EXIT_NOT_FOUND, EXIT_USAGE, SUPPORTED_COMMANDS, type ParseResult} from './result';
export {helpText} from './help';

// ------------------------------------------------------------------ entry points

export function parseCommandLine(line: string): ParseResult {
  const split = splitArgv(line);
  if (!split.ok) return failure(split.error, EXIT_FAILURE);
  return parseArgv(split.argv);
}

export function parseArgv(argv: string[]): ParseResult {
  const [program, ...rest] = argv;
  if (program === undefined) return success({kind: 'empty'});
  if (program === 'docker') {
    const r = parseDocker(rest);
    return !r.ok && !r.sensitive && mayHoldPassword(rest) ? {...r, sensitive: true} : r;
  }
  if (program === 'help') return parseHelpCommand(rest[0] === 'docker' ? rest.slice(1) : rest);
  if (program === 'clear') {
    if (rest.length > 0) return failure('clear: takes no arguments', EXIT_FAILURE);
    return success({kind: 'clear'});
  }
  if (program === 'cd') return parseCd(rest);
  return failure(
    `${quoteIfNeeded(program)}: command not found\nThis terminal runs docker commands only, one at a time. ${SUPPORTED_LINE}`,
    EXIT_NOT_FOUND,
  );
}

// ------------------------------------------------------------------ dispatch

function parseDocker(args: string[]): ParseResult {
  const root = scanFlags(args, ROOT_FLAGS, 'docker', false);
  if (isFailure(root)) return failure(root.message, root.exitCode, root.sensitive);
  if (boolValue(root.values, 'help')) return success({kind: 'help'});
  // `docker --version` prints a one-line client version in the real CLI; the
  // nearest command here is `docker version`.
  if (boolValue(root.values, 'version')) return success({kind: 'version'});
  const [name, ...rest] = root.positionals;
  if (name === undefined) return success({kind: 'help'});
  if (name === 'help') return parseHelpCommand(rest);
  if (name === 'image') return parseImage(rest);
  const spec = TOP_LEVEL.get(name);
  if (spec) return runSpec(spec, rest);
  if (KNOWN_UNSUPPORTED.has(name)) return unsupported(`docker ${name}`);
  return unknownCommand(name);
}

function parseImage(args: string[]): ParseResult {
  const scan = scanFlags(args, IMAGE_FLAGS, 'docker image', false);
  if (isFailure(scan)) return failure(scan.message, scan.exitCode);
  const [name, ...rest] = scan.positionals;
  if (boolValue(scan.values, 'help') || name === undefined) return success({kind: 'help', topic: 'image'});
  const spec = IMAGE_SUBCOMMANDS.get(name);
  if (spec) return runSpec(spec, rest);
  if (KNOWN_UNSUPPORTED_IMAGE.has(name)) return unsupported(`docker image ${name}`);
  return failure(
    `docker: unknown command: docker image ${sanitize(name)}\nSee 'docker image --help'.${didYouMean(name, [...IMAGE_SUBCOMMANDS.keys()], 'docker image')}`,
    EXIT_FAILURE,
  );
}

/** cobra's order: parse flags, then --help, then the argument count, then the command's own checks. */
function runSpec(spec: CommandSpec, args: string[]): ParseResult {
  const commandPath = `docker ${spec.path}`;
  // `docker run -h` is --hostname: there, help is --help only.
  const help = spec.flags.some((f) => f.short === 'h') ? {...HELP_FLAG, short: undefined} : HELP_FLAG;
  const scan = scanFlags(args, [help, ...spec.flags], commandPath, spec.interspersed ?? true);
  if (isFailure(scan)) return failure(scan.message, scan.exitCode, scan.sensitive);
  if (boolValue(scan.values, 'help')) return success({kind: 'help', topic: spec.path});
  const n = scan.positionals.length;
  const {min, max} = spec.args;
  if (n < min || n > max) {
    let requirement: string;
    if (max === 0) requirement = 'accepts no arguments';
    else if (min === max) requirement = `requires exactly ${plural(min)}`;
    else if (n < min) requirement = `requires at least ${plural(min)}`;
    else requirement = `requires at most ${plural(max)}`;
    return failure(
      `"${commandPath}" ${requirement}.\nSee '${commandPath} --help'.\n\nUsage:  ${spec.use}\n\n${spec.short}`,
      EXIT_FAILURE,
    );
  }
  return spec.make(scan.values, scan.positionals);
}

/**
 * True when a `docker ... login ...` argv may hold a password (`-p`, `--password`),
 * whichever error stopped the parse first. Errs on the side of yes.
 */
function mayHoldPassword(args: string[]): boolean {
  return args.includes('login') && args.some((a) => /^--password(?:=|$)/.test(a) || /^-[^-]*p/.test(a));
}

function plural(n: number): string {
  return n === 1 ? '1 argument' : `${n} arguments`;
}

/** `help [TOPIC...]` and `docker help [TOPIC...]`. */
function parseHelpCommand(words: string[]): ParseResult {
  const [first, second] = words;
  if (first === undefined || first === 'help' || first === 'clear') return success({kind: 'help'});
  if (first === 'image') {
    if (second === undefined) return success({kind: 'help', topic: 'image'});
    const spec = IMAGE_SUBCOMMANDS.get(second);
    if (spec) return success({kind: 'help', topic: spec.path});
    if (KNOWN_UNSUPPORTED_IMAGE.has(second)) return unsupported(`docker image ${second}`);
    return failure(`docker: unknown command: docker image ${sanitize(second)}\nSee 'docker image --help'.`, EXIT_FAILURE);
  }
  const spec = TOP_LEVEL.get(first);
  if (spec) return success({kind: 'help', topic: spec.path});
  if (KNOWN_UNSUPPORTED.has(first)) return unsupported(`docker ${first}`);
  return unknownCommand(first);
}

function unsupported(what: string): ParseResult {
  return failure(`'${what}' ${NOT_HERE}.\n${SUPPORTED_LINE}`, EXIT_NOT_FOUND);
}

function unknownCommand(name: string): ParseResult {
  // The CLI's own wording (exit 1), plus what this terminal offers.
  return failure(
    `docker: '${sanitize(name)}' is not a docker command.\nSee 'docker --help'${didYouMean(name, [...TOP_LEVEL.keys(), 'image'], 'docker')}\n${SUPPORTED_LINE}`,
    EXIT_FAILURE,
  );
}

/** "\nDid you mean ...?" for a mistyped subcommand close to one this terminal runs, else "". */
function didYouMean(typed: string, names: string[], prefix: string): string {
  const near = closestCommand(typed, names);
  return near === undefined ? '' : `\nDid you mean \`${prefix} ${near}\`?`;
}

/**
 * `cd [LESSON]`: names the lesson whose folder `docker build .` builds. The
 * lesson itself is checked when it runs (the page must have sent it).
 */
function parseCd(args: string[]): ParseResult {
  if (args.length > 1) return failure('cd: too many arguments\nUsage: cd LESSON (or cd alone to list the lessons)', EXIT_FAILURE);
  const [target] = args;
  if (target === undefined) return success({kind: 'cd'});
  // `cd hello/`, `cd ./hello`: the lesson's folder, said the way one names a folder.
  const lesson = target.replace(/^\.\/+/, '').replace(/\/+$/, '');
  return success({kind: 'cd', lesson});
}

