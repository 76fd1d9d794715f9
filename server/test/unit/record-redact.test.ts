import {describe, expect, it} from 'vitest';
import {hideTypedAnswers, secretIn} from '../../src/record/redact';

describe('hideTypedAnswers', () => {
  it('keeps the prompts and drops what was typed after them, up to the line end', () => {
    const chunks = ['$ docker login localhost:5000\r\nUsername: ', 'alice', '\r\nPassword: ', '\r\nLogin Succeeded\r\n'];
    expect(hideTypedAnswers(chunks).join('')).toBe('$ docker login localhost:5000\r\nUsername: \r\nPassword: \r\nLogin Succeeded\r\n');
  });

  it('drops an echo split across chunks and redrawn with escapes, and a "Username (x): " prompt\'s answer', () => {
    const out = hideTypedAnswers(['Username (bob): al', '\x1b[2Kice\r', '\nPassword: s3cret-typed\n', 'ok alice\n']).join('');
    expect(out).toBe('Username (bob): \r\nPassword: \nok alice\n');
  });

  it('leaves other output alone', () => {
    expect(hideTypedAnswers(['#1 [internal] load build definition\r\n', 'done'])).toEqual(['#1 [internal] load build definition\r\n', 'done']);
  });
});

describe('secretIn', () => {
  it('finds a known password and token-like text', () => {
    expect(secretIn('Login Succeeded', ['pw-123456'])).toBeNull();
    expect(secretIn('x pw-123456 y', ['pw-123456'])).toMatch(/password/);
    expect(secretIn('Authorization: Bearer abcdefghijklmnop', [])).toMatch(/token/);
    expect(secretIn('eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.sig', [])).toMatch(/token/);
  });
});
