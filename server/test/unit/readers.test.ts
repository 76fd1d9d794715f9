import {describe, expect, it} from 'vitest';
import {CookieSigner} from '../../src/readers/cookie';
import {checkReaderName} from '../../src/readers/names';
import {generatePassword, hashPassword, verifyPassword} from '../../src/readers/passwords';
import {grant, parseScope, parseScopes} from '../../src/registry-auth/scopes';
import {basicCredentials} from '../../src/registry-auth/service';
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';

describe('lab names', () => {
  it('follow the registry path rules, 2–30 characters', () => {
    expect(checkReaderName('alice')).toEqual({ok: true, name: 'alice'});
    expect(checkReaderName(' Alice.B ')).toEqual({ok: true, name: 'alice.b'});
    expect(checkReaderName('a-b_c.d9')).toEqual({ok: true, name: 'a-b_c.d9'});
    for (const bad of ['a', 'x'.repeat(31), 'al ice', 'al/ice', '-alice', 'alice-', 'al--ice', 'al._ice', 'élise', '', 42, null]) {
      const r = checkReaderName(bad);
      expect(r.ok, String(bad)).toBe(false);
      if (!r.ok) expect(r.message.length).toBeGreaterThan(10);
    }
    expect(checkReaderName('admin').ok).toBe(false);
    expect(checkReaderName('student', new Set(['student']))).toMatchObject({ok: false, message: expect.stringMatching(/reserved/)});
  });
});

describe('lab passwords', () => {
  it('are stored as scrypt hashes that verify only the right password', async () => {
    const p = generatePassword();
    expect(p).toMatch(/^[a-z2-9]{5}(-[a-z2-9]{5}){3}$/);
    expect(generatePassword()).not.toBe(p);
    const h = await hashPassword(p);
    expect(h).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(h).not.toContain(p);
    expect(await verifyPassword(p, h)).toBe(true);
    expect(await verifyPassword(`${p}x`, h)).toBe(false);
    expect(await verifyPassword(p, 'garbage')).toBe(false);
  });
});

describe('reader cookie', () => {
  it('names a reader only with a valid signature', async () => {
    const c = await CookieSigner.open(mkdtempSync(path.join(tmpdir(), 'lab-cookie-')));
    const set = c.setCookie('0123456789abcdef', false);
    expect(set).toMatch(/HttpOnly/);
    expect(set).toMatch(/SameSite=Strict/);
    const value = set.split(';')[0]!;
    expect(c.readerId(`x=1; ${value}`)).toBe('0123456789abcdef');
    expect(c.readerId(value.replace('0123', '0124'))).toBeNull();
    expect(c.readerId(value.slice(0, -2) + 'AA')).toBeNull();
    expect(c.readerId(undefined)).toBeNull();
    const other = await CookieSigner.open(mkdtempSync(path.join(tmpdir(), 'lab-cookie-')));
    expect(other.readerId(value)).toBeNull();
  });
});

describe('registry token scopes', () => {
  it('parses the registry\'s scope strings', () => {
    expect(parseScope('repository:alice/hello:push,pull')).toEqual({type: 'repository', name: 'alice/hello', actions: ['push', 'pull']});
    expect(parseScope('registry:catalog:*')).toEqual({type: 'registry', name: 'catalog', actions: ['*']});
    expect(parseScope('nonsense')).toBeNull();
    expect(parseScopes(['repository:a/b:pull repository:c/d:push', 'bad'])).toHaveLength(2);
  });

  it('grants a reader push and pull under their own name only', () => {
    const alice = {kind: 'reader' as const, name: 'alice'};
    const req = parseScopes([
      'repository:alice/hello:push,pull',
      'repository:bob/hello:push,pull',
      'repository:alicex/hello:push',
      'repository:alice:push',
      'repository:alice/x:delete,*',
      'registry:catalog:*',
    ]);
    expect(grant(alice, req)).toEqual([{type: 'repository', name: 'alice/hello', actions: ['push', 'pull']}]);
    expect(grant({kind: 'lab'}, req)).toHaveLength(6);
  });

  it('grants nothing for a name outside the registry\'s grammar, however it starts (issue 23)', () => {
    const alice = {kind: 'reader' as const, name: 'alice'};
    for (const name of ['alice/../bob/app', 'alice/./x', 'alice//x', 'alice/X', 'alice/x/', 'alice/-x', 'alice/x..y', `alice/${'a'.repeat(250)}`]) {
      expect(grant(alice, parseScopes([`repository:${name}:push,pull`])), name).toEqual([]);
    }
    expect(grant(alice, parseScopes(['repository:alice/a.b_c__d--e/f:pull']))).toHaveLength(1);
  });

  it('reads Basic credentials', () => {
    expect(basicCredentials(`Basic ${Buffer.from('a:b:c').toString('base64')}`)).toEqual({user: 'a', password: 'b:c'});
    expect(basicCredentials('Bearer x')).toBeNull();
    expect(basicCredentials(undefined)).toBeNull();
  });
});

describe('reader store', () => {
  it('keeps readers on disk (hash only), unique across two servers on one state folder', async () => {
    const {ReaderStore} = await import('../../src/readers/store');
    const {readFileSync} = await import('node:fs');
    const dir = mkdtempSync(path.join(tmpdir(), 'lab-readers-'));
    const one = await ReaderStore.open(dir, new Set(['student']));
    const two = await ReaderStore.open(dir, new Set(['student']));
    const {reader, password} = await one.create('Alice');
    expect(reader.name).toBe('alice');
    const file = readFileSync(path.join(dir, 'alice.json'), 'utf8');
    expect(file).not.toContain(password);
    expect(file).toMatch(/"passwordHash":"scrypt\$/);
    await expect(two.create('alice')).rejects.toThrow(/taken/);
    await expect(one.create('student')).rejects.toThrow(/reserved/);
    expect(await two.verify('alice', password)).toBe(true); // made by the other server
    expect(await two.verify('alice', 'wrong')).toBe(false);
    expect(await two.verify('../alice', password)).toBe(false);
    expect((await two.findById(reader.id))?.name).toBe('alice');
    const fresh = await one.regenerate(reader);
    expect(await two.verify('alice', password)).toBe(false);
    expect(await two.verify('alice', fresh)).toBe(true);
    await one.remove(reader);
    expect(await two.verify('alice', fresh)).toBe(false);
    expect((await one.create('alice')).reader.id).not.toBe(reader.id); // the name is free again, with a new id
  });
});
