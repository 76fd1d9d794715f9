import {createHmac, randomBytes, timingSafeEqual} from 'node:crypto';
import {mkdir, readFile, writeFile} from 'node:fs/promises';
import path from 'node:path';

/** The reader cookie: `<reader id>.<HMAC-SHA256 of it>`, HttpOnly, so page scripts cannot read it. */
export const READER_COOKIE = 'lab_reader';
/** A browser restart keeps the cookie for this long (the idle setting removes the reader sooner if unused). */
const COOKIE_MAX_AGE_S = 400 * 24 * 3600;

export class CookieSigner {
  private constructor(private readonly key: Buffer) {}

  /** The signing key lives in the state folder (mode 0600), made on first use: cookies survive a server restart. */
  static async open(stateDir: string): Promise<CookieSigner> {
    const file = path.join(stateDir, 'reader-cookie.key');
    try {
      const key = Buffer.from((await readFile(file, 'utf8')).trim(), 'base64url');
      if (key.length >= 32) return new CookieSigner(key);
    } catch {
      /* made below */
    }
    await mkdir(stateDir, {recursive: true});
    const key = randomBytes(32);
    await writeFile(file, key.toString('base64url'), {mode: 0o600});
    return new CookieSigner(key);
  }

  #mac(id: string): string {
    return createHmac('sha256', this.key).update(`reader:${id}`).digest('base64url');
  }

  /** The Set-Cookie header value for reader `id`. */
  setCookie(id: string, secure: boolean): string {
    return `${READER_COOKIE}=${id}.${this.#mac(id)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${COOKIE_MAX_AGE_S}${secure ? '; Secure' : ''}`;
  }

  clearCookie(): string {
    return `${READER_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`;
  }

  /** The reader id in a Cookie header, if its signature holds. */
  readerId(cookieHeader: string | undefined): string | null {
    if (!cookieHeader) return null;
    for (const part of cookieHeader.split(';')) {
      const [k, v] = part.trim().split('=', 2);
      if (k !== READER_COOKIE || !v) continue;
      const m = /^([0-9a-f]{16})\.([A-Za-z0-9_-]{43})$/.exec(v);
      if (!m) continue;
      const a = Buffer.from(m[2]!);
      const b = Buffer.from(this.#mac(m[1]!));
      if (a.length === b.length && timingSafeEqual(a, b)) return m[1]!;
    }
    return null;
  }
}
