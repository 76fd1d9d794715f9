/** The `help` command's text, from the command table: lists only what this terminal supports. */
import {type CommandSpec, IMAGE_SUBCOMMANDS, TOP_LEVEL} from './command-table';

/**
 * Help text for a topic from a `help` command (undefined: the general help).
 * Lists only what this terminal supports. "\n" line breaks; unlike the
 * messages in ParseResult it ends with a newline, as printed output does.
 */
export function helpText(topic?: string): string {
  return helpBody(topic) + '\n';
}

export function helpBody(topic?: string): string {
  if (topic === 'image') return imageHelp();
  if (topic !== undefined) {
    const spec = findSpec(topic);
    if (spec) return commandHelp(spec);
  }
  return generalHelp();
}

export function findSpec(topic: string): CommandSpec | undefined {
  const words = topic.trim().split(/\s+/);
  if (words[0] === 'docker') words.shift();
  if (words.length === 1) return TOP_LEVEL.get(words[0]!);
  if (words.length === 2 && words[0] === 'image') return IMAGE_SUBCOMMANDS.get(words[1]!);
  return undefined;
}

/** Help's width, as the CLI wraps for an 80-column terminal. */
export const HELP_WIDTH = 80;

/** A command listing as cobra prints it: names padded to 12 columns. */
export function listing(rows: Array<[string, string]>): string[] {
  return rows.map(([name, text]) => `  ${name.padEnd(11)} ${text}`);
}

/** `left` then `text` wrapped at HELP_WIDTH, continuation lines aligned under the text (pflag's layout). */
export function wrapped(left: string, text: string): string[] {
  const indent = left.length;
  const lines: string[] = [];
  let line = left;
  for (const word of text.split(' ')) {
    if (line.length > indent && line.length + 1 + word.length > HELP_WIDTH) {
      lines.push(line);
      line = ' '.repeat(indent) + word;
    } else {
      line += (line.length > indent ? ' ' : '') + word;
    }
  }
  lines.push(line);
  return lines;
}

export function generalHelp(): string {
  const commands: Array<[string, string]> = [...TOP_LEVEL]
    .map(([name, spec]): [string, string] => [name, spec.short])
    .sort(([a], [b]) => a.localeCompare(b));
  return [
    'Usage:  docker [OPTIONS] COMMAND',
    '',
    'This terminal runs one docker command at a time; it is not a shell.',
    'Pipes, redirections, variables and other programs are not available.',
    '',
    'Management Commands:',
    ...listing([['image', 'Manage images']]),
    '',
    'Commands:',
    ...listing(commands),
    '',
    'Terminal:',
    ...listing([
      ['cd', 'Switch the lesson docker build . builds (cd alone lists them)'],
      ['clear', 'Clear the screen (or press Ctrl-L)'],
      ['help', 'Show this help'],
    ]),
    '',
    "Run 'docker COMMAND --help' for more information on a command.",
  ].join('\n');
}

export function imageHelp(): string {
  const seen = new Set<CommandSpec>();
  const rows: Array<[string, string]> = [];
  for (const [name, spec] of IMAGE_SUBCOMMANDS) {
    if (seen.has(spec)) continue;
    seen.add(spec);
    rows.push([name, spec.short]);
  }
  rows.sort(([a], [b]) => a.localeCompare(b));
  return [
    'Usage:  docker image COMMAND',
    '',
    'Manage images',
    '',
    'Commands:',
    ...listing(rows),
    '',
    "Run 'docker image COMMAND --help' for more information on a command.",
  ].join('\n');
}

export function commandHelp(spec: CommandSpec): string {
  const lines = ['Usage:  ' + spec.use, '', spec.long ?? spec.short];
  if (spec.aliases !== undefined) lines.push('', 'Aliases:', '  ' + spec.aliases);
  const shown = spec.flags.filter((f) => f.refuse === undefined);
  if (shown.length > 0) {
    const rows = shown
      .slice()
      .sort((a, b) => a.long.localeCompare(b.long))
      .map((f): [string, string] => {
        const names = f.short !== undefined ? `-${f.short}, --${f.long}` : `    --${f.long}`;
        return [f.valueName !== undefined ? `${names} ${f.valueName}` : names, f.usage];
      });
    const width = Math.max(...rows.map(([left]) => left.length));
    lines.push('', 'Options:', ...rows.flatMap(([left, text]) => wrapped(`  ${left.padEnd(width + 3)}`, text)));
  }
  return lines.join('\n');
}
