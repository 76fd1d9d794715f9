/**
 * The progress tracker's rules, with an engine and a registry that answer from
 * tables: a reported event ticks a milestone only when the engine and the
 * registry back it up. (The real engine and registry: integration/progress.test.ts.)
 */
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {Writable} from 'node:stream';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {cohortCsv, countDone, formatElapsed, lessonMark, MILESTONES, nextMilestone, timeSoFar, type ReaderProgress} from '../../../src/protocol/progress';
import type {ImageDetails} from '../../src/engine';
import {OWNER_LABEL} from '../../src/engine/labels';
import {createLogger} from '../../src/log';
import {ProgressStore} from '../../src/progress/store';
import {ProgressTracker} from '../../src/progress/tracker';
import {Reader} from '../../src/readers/store';
import {Secret} from '../../src/secret';

const REG = 'localhost:5000';
const ID = 'a1b2c3d4e5f60718';
const OTHER = 'ffffffffffffffff';

let dir: string;
let images: Map<string, ImageDetails>;
let digests: Map<string, string>;
let ticks: string[];
let tracker: ProgressTracker;
let store: ProgressStore;
let reader: Reader;
/** Engine answers wait for this (a slow engine). */
let engineGate: Promise<void>;

function image(id: string, owner: string | null, repoDigests: string[] = []): ImageDetails {
  return {Id: id, RepoTags: [], RepoDigests: repoDigests, Config: {Labels: owner ? {[OWNER_LABEL]: owner} : {}}};
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'lab-progress-'));
  images = new Map();
  digests = new Map();
  ticks = [];
  engineGate = Promise.resolve();
  store = await ProgressStore.open(dir);
  reader = new Reader({name: 'ada', id: ID, passwordHash: 'x', createdAt: 1000, lastSeen: 1000});
  tracker = new ProgressTracker({
    engineOf: () => ({inspectImage: async (name: string) => (await engineGate, images.get(name) ?? null)}),
    registry: {digest: async (repo: string, tag: string) => digests.get(`${repo}:${tag}`) ?? null},
    labRegistry: REG,
    store,
    log: createLogger({level: 'silent', destination: new Writable({write: (_c, _e, cb) => cb()})}),
    ticked: (_r, m) => ticks.push(m),
  });
});
afterEach(async () => {
  await rm(dir, {recursive: true, force: true});
});

const done = () => Object.keys(tracker.view(reader).done).sort();

describe('ProgressTracker', () => {
  it('ticks "dockerfile" only when the text differs from the first the page sent for that lesson', async () => {
    await tracker.report(reader, {kind: 'dockerfile', lesson: 'hello', text: 'FROM busybox\nCMD ["hello"]\n'});
    await tracker.report(reader, {kind: 'dockerfile', lesson: 'hello', text: 'FROM busybox  \nCMD ["hello"]\n\n'});
    expect(done()).toEqual([]);
    await tracker.report(reader, {kind: 'dockerfile', lesson: 'hello', text: 'not a dockerfile'});
    expect(done()).toEqual([]);
    await tracker.report(reader, {kind: 'dockerfile', lesson: 'hello', text: 'FROM busybox\nRUN echo hi\nCMD ["hello"]\n'});
    expect(done()).toEqual(['dockerfile']);
    expect(ticks).toEqual(['dockerfile']);
  });

  it('ticks "built" only for an image in the engine with the reader\'s owner label; "rebuilt" only for a later build with cached steps', async () => {
    images.set('sha256:theirs', image('sha256:theirs', OTHER));
    images.set('sha256:base', image('sha256:base', null));
    await tracker.report(reader, {kind: 'built', lesson: 'hello', imageId: 'sha256:theirs', cachedSteps: 2});
    await tracker.report(reader, {kind: 'built', lesson: 'hello', imageId: 'sha256:base', cachedSteps: 2});
    await tracker.report(reader, {kind: 'built', lesson: 'hello', imageId: 'sha256:missing', cachedSteps: 2});
    expect(done()).toEqual([]);
    images.set('sha256:mine', image('sha256:mine', ID));
    // A first build may find steps in the shared cache: it is not a rebuild.
    await tracker.report(reader, {kind: 'built', lesson: 'hello', imageId: 'sha256:mine', cachedSteps: 3});
    expect(done()).toEqual(['built']);
    await tracker.report(reader, {kind: 'built', lesson: 'hello', imageId: 'sha256:mine', cachedSteps: 0});
    expect(done()).toEqual(['built']);
    await tracker.report(reader, {kind: 'built', lesson: 'hello', imageId: 'sha256:mine', cachedSteps: 3});
    expect(done()).toEqual(['built', 'rebuilt']);
    await tracker.report(reader, {kind: 'built', lesson: 'pytorch', imageId: 'sha256:mine', cachedSteps: 0});
    expect(done()).toEqual(['built', 'pytorch', 'rebuilt']);
  });

  it('ticks "rebuilt" for a later build made wholly of the reader\'s earlier layers, even when the status flagged nothing CACHED', async () => {
    const layered = (id: string, layers: string[]) => ({...image(id, ID), RootFS: {Type: 'layers', Layers: layers}}) as ImageDetails;
    images.set('sha256:one', layered('sha256:one', ['l-base', 'l-copy']));
    images.set('sha256:changed', layered('sha256:changed', ['l-base', 'l-new']));
    images.set('sha256:again', layered('sha256:again', ['l-base', 'l-copy']));
    await tracker.report(reader, {kind: 'built', lesson: 'hello', imageId: 'sha256:one', cachedSteps: 0});
    expect(done()).toEqual(['built']);
    // A new layer with nothing flagged cached: its steps ran.
    await tracker.report(reader, {kind: 'built', lesson: 'hello', imageId: 'sha256:changed', cachedSteps: 0});
    expect(done()).toEqual(['built']);
    await tracker.report(reader, {kind: 'built', lesson: 'hello', imageId: 'sha256:again', cachedSteps: 0});
    expect(done()).toEqual(['built', 'rebuilt']);
  });

  it('ticks "tagged" only when the new name is the reader\'s image', async () => {
    images.set(`${REG}/ada/hello:v1`, image('sha256:x', OTHER));
    await tracker.report(reader, {kind: 'tagged', target: `${REG}/ada/hello:v1`});
    expect(done()).toEqual([]);
    images.set(`${REG}/ada/hello:v1`, image('sha256:x', ID));
    await tracker.report(reader, {kind: 'tagged', target: `${REG}/ada/hello:v1`});
    expect(done()).toEqual(['tagged']);
  });

  it('ticks "logged in" only for a login held under the reader\'s own name on the lab registry', async () => {
    await tracker.report(reader, {kind: 'logged-in', server: REG});
    reader.logins.set(REG, {username: 'student', password: new Secret('p'), serveraddress: REG});
    await tracker.report(reader, {kind: 'logged-in', server: REG});
    reader.logins.set('registry.example.org', {username: 'ada', password: new Secret('p'), serveraddress: 'registry.example.org'});
    await tracker.report(reader, {kind: 'logged-in', server: 'registry.example.org'});
    expect(done()).toEqual([]);
    reader.logins.set('127.0.0.1:5000', {username: 'ada', password: new Secret('p'), serveraddress: '127.0.0.1:5000'});
    await tracker.report(reader, {kind: 'logged-in', server: '127.0.0.1:5000'});
    expect(done()).toEqual(['logged-in']);
  });

  it('ticks "pushed" only when the registry holds <reader>/hello with the digest of the reader\'s image; a second tag ticks the next', async () => {
    const d1 = `sha256:${'1'.repeat(64)}`;
    const d2 = `sha256:${'2'.repeat(64)}`;
    // The command said it worked, but the registry has nothing.
    images.set(`${REG}/ada/hello:latest`, image('sha256:a', ID, [`${REG}/ada/hello@${d1}`]));
    await tracker.report(reader, {kind: 'pushed', reference: `${REG}/ada/hello:latest`});
    expect(done()).toEqual([]);
    // The registry's digest is not the one the engine recorded for the reader's image.
    digests.set('ada/hello:latest', d2);
    await tracker.report(reader, {kind: 'pushed', reference: `${REG}/ada/hello:latest`});
    expect(done()).toEqual([]);
    // The image is not the reader's.
    digests.set('ada/hello:latest', d1);
    images.set(`${REG}/ada/hello:latest`, image('sha256:a', OTHER, [`${REG}/ada/hello@${d1}`]));
    await tracker.report(reader, {kind: 'pushed', reference: `${REG}/ada/hello:latest`});
    expect(done()).toEqual([]);
    // Another repository, another registry, another namespace.
    for (const ref of [`${REG}/ada/other`, `registry.example.org/ada/hello`, `${REG}/bob/hello`]) {
      await tracker.report(reader, {kind: 'pushed', reference: ref});
    }
    expect(done()).toEqual([]);
    images.set(`${REG}/ada/hello:latest`, image('sha256:a', ID, [`${REG}/ada/hello@${d1}`]));
    await tracker.report(reader, {kind: 'pushed', reference: `${REG}/ada/hello`});
    expect(done()).toEqual(['pushed']);
    // The same tag again is not a second tag.
    await tracker.report(reader, {kind: 'pushed', reference: `${REG}/ada/hello:latest`});
    expect(done()).toEqual(['pushed']);
    digests.set('ada/hello:v1', d1);
    images.set(`${REG}/ada/hello:v1`, image('sha256:a', ID, [`${REG}/ada/hello@${d1}`]));
    await tracker.report(reader, {kind: 'pushed', reference: `${REG}/ada/hello:v1`});
    expect(done()).toEqual(['pushed', 'pushed-second-tag']);
  });

  it('forgetting a reader while one of their events is being checked leaves nothing behind', async () => {
    images.set('sha256:mine', image('sha256:mine', ID));
    let open!: () => void;
    engineGate = new Promise((r) => (open = r));
    const reported = tracker.report(reader, {kind: 'built', lesson: 'hello', imageId: 'sha256:mine', cachedSteps: 0});
    await new Promise((r) => setTimeout(r, 10));
    const forgotten = tracker.forget(reader.id);
    open();
    await Promise.all([reported, forgotten]);
    const again = new ProgressTracker({...(tracker as unknown as {deps: object}).deps, store: await ProgressStore.open(dir)} as never);
    expect((await again.load(reader)).done).toEqual({});
  });

  it('keeps progress on disk: a new tracker on the same folder sees it', async () => {
    images.set('sha256:mine', image('sha256:mine', ID));
    await tracker.report(reader, {kind: 'built', lesson: 'hello', imageId: 'sha256:mine', cachedSteps: 0});
    const again = new ProgressTracker({...(tracker as unknown as {deps: object}).deps, store: await ProgressStore.open(dir)} as never);
    expect(Object.keys((await again.load(reader)).done)).toEqual(['built']);
  });
});

describe('progress helpers (src/protocol/progress.ts)', () => {
  const p = (done: ReaderProgress['done']): ReaderProgress => ({startedAt: 0, done});

  it('says what is next, how many are done, and each lesson\'s mark', () => {
    expect(nextMilestone(p({}))?.id).toBe('dockerfile');
    expect(nextMilestone(p({dockerfile: 1, built: 2}))?.id).toBe('rebuilt');
    const all = Object.fromEntries(MILESTONES.filter((m) => !m.optional).map((m) => [m.id, 5]));
    expect(nextMilestone(p(all))?.id).toBe('pytorch');
    expect(countDone(p(all))).toEqual({done: 7, total: 7});
    expect(lessonMark(p({built: 1}), 'building')).toBe('partial');
    expect(lessonMark(p({built: 1, rebuilt: 1, tagged: 1}), 'building')).toBe('done');
    expect(lessonMark(p({}), 'logging-in-and-pushing')).toBe('todo');
    expect(lessonMark(p({}), 'terminology')).toBe('none');
  });

  it('counts time to the last milestone once all are done, else to now', () => {
    expect(timeSoFar({startedAt: 1000, done: {built: 5000}}, 61_000)).toBe(60_000);
    const all = Object.fromEntries(MILESTONES.filter((m) => !m.optional).map((m) => [m.id, 9000]));
    expect(timeSoFar({startedAt: 1000, done: all}, 999_999)).toBe(8000);
    expect(formatElapsed(95_000)).toBe('1 min 35 s');
    expect(formatElapsed(4_000_000)).toBe('1 h 6 min');
  });

  it('writes CSV with quoted cells and spreadsheet formulas defused', () => {
    const csv = cohortCsv({
      generatedAt: 0,
      milestones: MILESTONES,
      readers: [{name: '=cmd', createdAt: 0, lastSeen: 0, sessions: 1, diskBytes: 5, progress: {startedAt: 0, done: {built: Date.UTC(2026, 10, 30, 12)}}}],
    });
    const [head, row] = csv.trim().split('\r\n');
    expect(head).toBe('reader,started,last_activity,sessions,disk_bytes,done,total,' + MILESTONES.map((m) => m.id).join(','));
    expect(row!.startsWith("'=cmd,")).toBe(true);
    expect(row).toContain(',2026-11-30T12:00:00.000Z,');
  });
});
