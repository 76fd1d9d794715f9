import {createHash, randomBytes} from 'node:crypto';
import {mkdir, open, readdir, readFile, rename, rm, writeFile} from 'node:fs/promises';
import path from 'node:path';
import type {RegistryAuth} from '../engine';
import {Secret} from '../secret';
import {checkReaderName} from './names';
import {generatePassword, hashPassword, verifyPassword} from './passwords';

/** What is kept on disk for a reader (`<state>/readers/<name>.json`, mode 0600). No password: its scrypt hash. */
interface ReaderRecord {
  name: string;
  /** Public id: labels the reader's images, names the cookie. Not a secret on its own (the cookie is signed). */
  id: string;
  passwordHash: string;
  createdAt: number;
  lastSeen: number;
}

/** A reader as the running server knows them. */
export class Reader {
  /** Registry address → credentials, shared by all the reader's tabs (memory only). */
  readonly logins = new Map<string, RegistryAuth>();
  /** The lab password, while this server process knows it (since it made it). Never on disk. */
  password: Secret | null = null;
  /** Live terminal sessions of this reader. */
  sessions = 0;
  /** Bytes of the reader's images, last counted. */
  diskBytes = 0;

  constructor(public record: ReaderRecord) {}

  get name(): string {
    return this.record.name;
  }

  get id(): string {
    return this.record.id;
  }

  get lastSeen(): number {
    return this.record.lastSeen;
  }
}

export class ReaderNameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReaderNameError';
  }
}

/** How long a checked password is remembered, so the token service does not run scrypt on every request. */
const VERIFIED_TTL_MS = 5 * 60_000;
/** lastSeen is written to disk at most this often per reader. */
const TOUCH_WRITE_MS = 60_000;

/**
 * The lab's readers: names, password hashes, last activity. One JSON file per
 * reader under the state folder, so several lab servers on the same state folder
 * (and the token service, whichever process serves it) see the same readers.
 */
export class ReaderStore {
  readonly #byName = new Map<string, Reader>();
  readonly #byId = new Map<string, Reader>();
  readonly #verified = new Map<string, number>();
  readonly #written = new Map<string, number>();

  private constructor(
    readonly dir: string,
    private readonly reserved: ReadonlySet<string>,
  ) {}

  static async open(dir: string, reserved: ReadonlySet<string>): Promise<ReaderStore> {
    await mkdir(dir, {recursive: true, mode: 0o700});
    const store = new ReaderStore(dir, reserved);
    for (const f of await readdir(dir)) {
      if (f.endsWith('.json')) await store.#load(f.slice(0, -5));
    }
    return store;
  }

  #file(name: string): string {
    return path.join(this.dir, `${name}.json`);
  }

  async #readRecord(name: string): Promise<ReaderRecord | null> {
    if (!checkReaderName(name, new Set()).ok) return null;
    try {
      const r = JSON.parse(await readFile(this.#file(name), 'utf8')) as ReaderRecord;
      return r && r.name === name && typeof r.passwordHash === 'string' && typeof r.id === 'string' ? r : null;
    } catch {
      return null;
    }
  }

  async #load(name: string): Promise<Reader | null> {
    const record = await this.#readRecord(name);
    if (!record) return null;
    const existing = this.#byName.get(name);
    if (existing && existing.id === record.id) {
      existing.record = record;
      return existing;
    }
    if (existing) this.#forget(existing);
    const reader = new Reader(record);
    this.#byName.set(name, reader);
    this.#byId.set(record.id, reader);
    return reader;
  }

  #forget(reader: Reader): void {
    this.#byName.delete(reader.name);
    this.#byId.delete(reader.id);
    reader.logins.clear();
    reader.password = null;
  }

  async #write(record: ReaderRecord): Promise<void> {
    const tmp = `${this.#file(record.name)}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(tmp, JSON.stringify(record), {mode: 0o600});
    await rename(tmp, this.#file(record.name));
  }

  list(): Reader[] {
    return [...this.#byName.values()];
  }

  get(name: string): Reader | undefined {
    return this.#byName.get(name);
  }

  /** Whether a reader of that name exists (on disk, whether or not loaded since the server started). */
  async exists(name: string): Promise<boolean> {
    return this.#byName.has(name) || (await this.#readRecord(name)) !== null;
  }

  byId(id: string): Reader | undefined {
    return this.#byId.get(id);
  }

  /** The reader with this id, looking on disk too (another lab server may have made them). */
  async findById(id: string): Promise<Reader | undefined> {
    const known = this.#byId.get(id);
    if (known) return known;
    for (const f of await readdir(this.dir).catch(() => [] as string[])) {
      if (!f.endsWith('.json') || this.#byName.has(f.slice(0, -5))) continue;
      const r = await this.#load(f.slice(0, -5));
      if (r?.id === id) return r;
    }
    return undefined;
  }

  /** A new reader with a new lab password (returned once, and kept in memory for the dock). */
  async create(rawName: unknown): Promise<{reader: Reader; password: string}> {
    const check = checkReaderName(rawName, this.reserved);
    if (!check.ok) throw new ReaderNameError(check.message);
    const name = check.name;
    const password = generatePassword();
    const now = Date.now();
    const record: ReaderRecord = {name, id: randomBytes(8).toString('hex'), passwordHash: await hashPassword(password), createdAt: now, lastSeen: now};
    // 'wx': the name is taken atomically, even against another lab server on this state folder.
    let fh;
    try {
      fh = await open(this.#file(name), 'wx', 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new ReaderNameError(`"${name}" is taken in this lab: choose another name`);
      throw err;
    }
    try {
      await fh.writeFile(JSON.stringify(record));
    } finally {
      await fh.close();
    }
    const reader = new Reader(record);
    reader.password = new Secret(password);
    this.#byName.set(name, reader);
    this.#byId.set(record.id, reader);
    return {reader, password};
  }

  /** A new lab password; the old one stops working (and the reader's lab-registry logins end). */
  async regenerate(reader: Reader): Promise<string> {
    const password = generatePassword();
    reader.record = {...reader.record, passwordHash: await hashPassword(password)};
    await this.#write(reader.record);
    reader.password = new Secret(password);
    return password;
  }

  /** The reader did something: remember when (on disk at most once a minute). */
  touch(reader: Reader, now = Date.now()): void {
    reader.record.lastSeen = now;
    if (now - (this.#written.get(reader.id) ?? 0) < TOUCH_WRITE_MS) return;
    this.#written.set(reader.id, now);
    void this.#write(reader.record).catch(() => {});
  }

  /** Do the name and password match a reader (read from disk: any lab server may have made the reader)? */
  async verify(name: string, password: string): Promise<boolean> {
    const record = await this.#readRecord(name);
    if (!record) return false;
    const key = createHash('sha256').update(`${record.passwordHash}\0${password}`).digest('base64url');
    const until = this.#verified.get(key);
    if (until && until > Date.now()) return true;
    if (!(await verifyPassword(password, record.passwordHash))) return false;
    if (this.#verified.size > 10_000) this.#verified.clear();
    this.#verified.set(key, Date.now() + VERIFIED_TTL_MS);
    return true;
  }

  /** Remove the reader's record (the name becomes free). Images and repositories are the caller's job. */
  async remove(reader: Reader): Promise<void> {
    this.#forget(reader);
    await rm(this.#file(reader.name), {force: true});
  }
}
