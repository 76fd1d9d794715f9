/**
 * Record the lessons' blocks: run each one, in reading order, through a lab
 * server as a page would (Dockerfile text in a `context` frame, then `run`),
 * answer the login block's prompts, and keep each block's output with its
 * timing as an asciicast v2 recording.
 */
import {asksForInput} from '../../../src/blocks';
import {resolvePlaceholders} from '../../../src/client/placeholders';
import type {CommandEndMessage, ErrorMessage} from '../../../src/protocol';
import type {Cast, CastEvent} from '../../../src/protocol/recording';
import {blockTextHash, describeBlock, type LessonBlock} from './blocks';
import type {LabClient} from './lab-client';
import {hideTypedAnswers, secretIn} from './redact';

export interface RecordOptions {
  client: LabClient;
  /** The reader the recording runs as: their lab name and lab password (answers the login prompts). */
  reader: {name: string; password: string};
  dockerVersion: string;
  cols: number;
  rows: number;
  /** Longest a block may run (the PyTorch build takes minutes). */
  timeoutMs: number;
  log: (line: string) => void;
}

export class BlockFailed extends Error {
  constructor(
    readonly block: LessonBlock,
    message: string,
  ) {
    super(`${describeBlock(block)}: ${message}`);
  }
}

/** Record `blocks` (all of them, in reading order: later blocks use what earlier ones built). */
export async function recordBlocks(blocks: readonly LessonBlock[], opts: RecordOptions): Promise<Cast[]> {
  const casts: Cast[] = [];
  let page = '';
  for (const block of blocks) {
    if (block.file !== page) {
      page = block.file;
      // A page sends the Dockerfile of each of its Dockerfile blocks when they mount.
      for (const b of blocks.filter((x) => x.file === page && x.dockerfile && x.context)) {
        opts.client.send({t: 'context', context: b.context!, dockerfile: resolve(b.code, opts)});
      }
    }
    opts.log(`recording ${describeBlock(block)}`);
    const started = Date.now();
    casts.push(await recordBlock(block, opts));
    opts.log(`  done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  return casts;
}

function resolve(text: string, opts: RecordOptions): string {
  const session = opts.client.session;
  return resolvePlaceholders(text, {
    registry: 'lab',
    labRegistry: session?.labRegistry ?? 'localhost:5000',
    logins: session?.logins ?? {},
    readerName: opts.reader.name,
  });
}

async function recordBlock(block: LessonBlock, opts: RecordOptions): Promise<Cast> {
  const {client} = opts;
  const command = resolve(block.command, opts);
  const from = client.messages.length;
  const runId = `record-${block.blockId}`;
  const t0 = performance.now();
  if (block.dockerfile && block.context) {
    client.send({t: 'context', context: block.context, dockerfile: resolve(block.code, opts)});
  }
  client.send({t: 'run', blockId: runId, command, ...(block.context ? {context: block.context} : {})});

  const outputSince = () =>
    client.messages
      .slice(from)
      .map((m) => (m.t === 'output' ? m.data : ''))
      .join('');
  if (asksForInput(command)) {
    // docker login: the user name, then the lab password (never echoed, never kept).
    await client.until(() => (/Username(?: \([^)]*\))?: $/.test(outputSince()) ? true : undefined), 60_000, `the "Username:" prompt of ${describeBlock(block)}`);
    client.send({t: 'input', data: `${opts.reader.name}\r`});
    await client.until(() => (/Password: $/.test(outputSince()) ? true : undefined), 60_000, `the "Password:" prompt of ${describeBlock(block)}`);
    client.send({t: 'input', data: `${opts.reader.password}\r`});
  }

  const typed = interactiveInput(command);
  if (typed) {
    // docker run -it: type what the lesson suggests at the program's prompt, then Ctrl-D ends it.
    const prompt = /(?:>>> |[#$] )$/;
    for (const line of [...typed, '\x04']) {
      await client.until(() => (prompt.test(outputSince()) ? true : undefined), opts.timeoutMs, `a prompt inside ${describeBlock(block)}`);
      const mark = outputSince().length;
      client.send({t: 'input', data: line === '\x04' ? line : `${line}\r`});
      if (line !== '\x04') await client.until(() => (outputSince().length > mark + line.length + 1 ? true : undefined), 60_000, `the answer to ${line}`);
    }
  }

  // A long block (the PyTorch build) says every 30 s that it is still going, with its last line.
  const heartbeat = setInterval(() => {
    const last = lastLine(outputSince());
    opts.log(`  still running (${Math.round((performance.now() - t0) / 1000)} s)${last ? `: ${last}` : ''}`);
  }, 30_000);
  const end = (await client
    .waitFor(
      (m) => (m.t === 'command-end' && m.blockId === runId) || (m.t === 'error' && (m.blockId === runId || m.code === 'busy' || m.code === 'unknown-context')),
      opts.timeoutMs,
      from,
    )
    .catch((e: Error) => {
      throw new BlockFailed(block, `${e.message}; its output so far:\n${outputSince().slice(-2000)}`);
    })
    .finally(() => clearInterval(heartbeat))) as CommandEndMessage | ErrorMessage;
  if (end.t === 'error') throw new BlockFailed(block, `the server refused the run (${end.code}): ${end.message}`);
  if (end.exitCode !== 0) {
    throw new BlockFailed(block, `it exited with code ${end.exitCode}; its output:\n${outputSince().slice(-3000)}`);
  }

  // Output up to the command's end (the next prompt is not part of the block's run).
  const endIndex = client.messages.indexOf(end);
  const timed: Array<{at: number; data: string}> = [];
  for (let i = from; i < endIndex; i++) {
    const m = client.messages[i]!;
    if (m.t === 'output') timed.push({at: client.receivedAt[i]!, data: m.data});
  }
  const shown = hideTypedAnswers(timed.map((o) => o.data));
  const events: CastEvent[] = timed
    .map((o, i): CastEvent => [Math.round(Math.max(0, o.at - t0)) / 1000, 'o', shown[i]!])
    .filter((e) => e[2] !== '');
  const duration = Math.round(Math.max(0, client.receivedAt[endIndex]! - t0)) / 1000;
  const cast: Cast = {
    header: {
      version: 2,
      width: opts.cols,
      height: opts.rows,
      timestamp: Math.floor(Date.now() / 1000),
      duration,
      title: command,
      lab: {
        blockId: block.blockId,
        file: block.file,
        line: block.line,
        textHash: blockTextHash(block),
        command,
        exitCode: end.exitCode,
        dockerVersion: opts.dockerVersion,
        registry: client.session?.labRegistry ?? '',
        username: opts.reader.name,
      },
    },
    events,
  };
  const why = secretIn(events.map((e) => e[2]).join(''), [opts.reader.password]);
  if (why) throw new BlockFailed(block, `its recording was not saved: ${why}`);
  return cast;
}

/** The last non-blank line of terminal output, without escapes (for progress messages). */
function lastLine(text: string): string {
  const plain = text.replace(/\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][0-9A-Za-z]|\x1b[=>]|\x07/g, '');
  const lines = plain.split(/\r?\n|\r/).filter((l) => l.trim() !== '');
  return (lines.pop() ?? '').trim().slice(0, 100);
}

/**
 * What a reader would type into an interactive `docker run` block (the lesson's own suggestion), or
 * null for a block that asks nothing. A block that opens a prompt gets these lines, then Ctrl-D.
 */
export function interactiveInput(command: string): string[] | null {
  const m = /^docker\s+run\s+(.*)$/.exec(command.trim());
  if (!m || !/(?:^|\s)-(?:it|ti|i)(?:\s|$)/.test(m[1]!)) return null;
  if (/\bpython3?\s*$/.test(m[1]!)) {
    return /pytorch/.test(m[1]!) ? ['import torch', 'torch.ones(2, 3) * 7'] : ['6 * 7'];
  }
  return ['echo hello from the container'];
}
