/**
 * `npm run record` (through scripts/record.sh, which starts the lab engine and
 * registry as `npm test` does): runs every runnable block of every lesson, in
 * reading order, through a lab server started here, as a throwaway reader, and
 * saves each block's output with its timing to static/recordings/ (asciicast v2).
 * Nothing is written unless every block succeeded; a failure names the block.
 *
 * `npm run record -- --check`: only say which blocks lack an up-to-date recording.
 */
import {randomBytes} from 'node:crypto';
import {mkdirSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {Writable} from 'node:stream';
import {startLab, type RunningLab} from '../app';
import {loadConfig} from '../config';
import {createLogger} from '../log';
import {WS_PATH} from '../../../src/protocol';
import {formatCast, recordingFileName, RECORDINGS_MANIFEST, type RecordingsManifest} from '../../../src/protocol/recording';
import {lessonBlocks} from './blocks';
import {recordingProblems, recordingsDir} from './check';
import {LabClient} from './lab-client';
import {BlockFailed, recordBlocks} from './recorder';

const ROOT = path.resolve(__dirname, '../../..');
const COLS = 100;
const ROWS = 30;
/**
 * The longest one block may take: the PyTorch build downloads and installs for minutes (about 2
 * on an idle machine, 16 on this 2-core one under load). The lab's build limit is raised to match.
 */
const BLOCK_TIMEOUT_MS = Number(process.env.LAB_RECORD_BLOCK_TIMEOUT_MS ?? 60 * 60_000);

function say(line: string): void {
  process.stdout.write(`[record] ${line}\n`);
}

async function createReader(port: number, wanted: string): Promise<{name: string; password: string; cookie: string}> {
  const origin = `http://127.0.0.1:${port}`;
  // The lessons' sample outputs use "alice"; another name when the lab already has one.
  for (const name of [wanted, `${wanted}-${randomBytes(3).toString('hex')}`]) {
    const res = await fetch(`${origin}/companion/reader`, {
      method: 'POST',
      headers: {'content-type': 'application/json', origin},
      body: JSON.stringify({name}),
    });
    const body = (await res.json().catch(() => ({}))) as {password?: string; error?: string};
    if (res.status === 201 && body.password) {
      return {name, password: body.password, cookie: (res.headers.get('set-cookie') ?? '').split(';')[0]!};
    }
    if (res.status !== 409) throw new Error(`could not make the recording's reader: HTTP ${res.status} ${body.error ?? ''}`);
  }
  throw new Error('could not make the recording\'s reader: both names are taken');
}

async function record(): Promise<number> {
  const blocks = lessonBlocks(ROOT);
  say(`${blocks.length} runnable blocks in ${new Set(blocks.map((b) => b.file)).size} lessons`);
  const logLines: string[] = [];
  const log = createLogger({
    level: process.env.LAB_LOG_LEVEL ?? 'info',
    destination: new Writable({
      write(chunk, _enc, cb) {
        logLines.push(String(chunk));
        if (logLines.length > 500) logLines.shift();
        cb();
      },
    }),
  });
  const config = loadConfig(
    {
      ...process.env,
      LAB_HOST: '127.0.0.1',
      LAB_PORT: '0',
      LAB_SITE_DIR: path.join(ROOT, '.lab/no-site'),
      LAB_LESSONS_DIR: path.join(ROOT, 'lessons'),
      // Another lab server may share the engine: leave its sessions' images alone.
      LAB_CLEAN_ON_START: 'false',
      // The recording reader is this server's only user: no rate limit on its blocks.
      LAB_COMMANDS_PER_MINUTE: '100000',
      LAB_BUILD_TIMEOUT_MS: process.env.LAB_BUILD_TIMEOUT_MS ?? String(BLOCK_TIMEOUT_MS),
      LAB_PUSH_TIMEOUT_MS: process.env.LAB_PUSH_TIMEOUT_MS ?? String(BLOCK_TIMEOUT_MS),
    },
    ROOT,
  );
  let lab: RunningLab;
  try {
    lab = await startLab(config, log);
  } catch (e) {
    throw new Error(
      `could not start a lab server (${(e as Error).message}); is another one (npm start, the browser tests) using the registry's token port? Stop it and run again`,
      {cause: e},
    );
  }
  let reader: {name: string; password: string; cookie: string} | undefined;
  let client: LabClient | undefined;
  try {
    if (!(await lab.engine.ping())) throw new Error('the Docker Engine does not answer (scripts/lab-engine.sh status)');
    const dockerVersion = (await lab.engine.version()).Version;
    reader = await createReader(lab.port, process.env.LAB_RECORD_NAME || 'alice');
    say(`engine: Docker ${dockerVersion}; registry: ${config.labRegistry}; reader: ${reader.name} (removed at the end)`);
    client = await LabClient.connect(`ws://127.0.0.1:${lab.port}${WS_PATH}`, {
      cookie: reader.cookie,
      origin: `http://127.0.0.1:${lab.port}`,
      cols: COLS,
      rows: ROWS,
    });
    const casts = await recordBlocks(blocks, {
      client,
      reader,
      dockerVersion,
      cols: COLS,
      rows: ROWS,
      timeoutMs: BLOCK_TIMEOUT_MS,
      log: say,
    });
    // Every block succeeded: replace the recordings (and drop those of blocks that went).
    const dir = recordingsDir(ROOT);
    mkdirSync(dir, {recursive: true});
    for (const f of readdirSync(dir)) if (f.endsWith('.cast')) rmSync(path.join(dir, f));
    const manifest: RecordingsManifest = {
      recordedAt: new Date().toISOString(),
      dockerVersion,
      registry: config.labRegistry,
      username: reader.name,
      blocks: {},
    };
    for (const cast of casts) {
      const {lab: info, duration} = cast.header;
      writeFileSync(path.join(dir, recordingFileName(info.blockId)), formatCast(cast));
      manifest.blocks[info.blockId] = {file: info.file, line: info.line, textHash: info.textHash, exitCode: info.exitCode, duration: duration ?? 0};
    }
    writeFileSync(path.join(dir, RECORDINGS_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    say(`wrote ${casts.length} recordings to ${path.relative(ROOT, dir)}/`);
    return 0;
  } catch (e) {
    if (e instanceof BlockFailed) {
      say(`FAILED: ${e.message}`);
      say(`no recording was changed. Fix the block (or the lab), then run \`npm run record\` again.`);
      return 1;
    }
    throw e;
  } finally {
    client?.close();
    if (reader) {
      const r = lab.readers.store.get(reader.name);
      if (r) await lab.readers.remove(r, 'recording over').catch(() => undefined);
    }
    await lab.close();
  }
}

function check(): number {
  const problems = recordingProblems(ROOT, lessonBlocks(ROOT));
  for (const p of problems) say(p);
  if (problems.length === 0) say('every runnable block has an up-to-date recording');
  return problems.length ? 1 : 0;
}

async function main(): Promise<void> {
  try {
    process.exitCode = process.argv.includes('--check') ? check() : await record();
  } catch (e) {
    say(`FAILED: ${(e as Error).message}`);
    process.exitCode = 1;
  }
}

void main();
