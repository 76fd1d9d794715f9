import {describe, expect, it} from 'vitest';
import {
  dockerfileMessages,
  isOfficialImageName,
  MAX_DOCKERFILE_LINES,
  officialRepository,
  textFindings,
} from '../dockerfile-rules';

const rules = (text: string, allowedSyntax?: string[]) => textFindings(text, allowedSyntax).map((f) => [f.rule, f.line]);

describe('textFindings', () => {
  it('finds nothing in a lesson-like Dockerfile', () => {
    expect(textFindings('# a comment\nARG V=1\nFROM busybox\nENV PATH="/opt/venv/bin:$PATH" HF_HOME=/h\nRUN echo hi\nCMD ["sh"]\n')).toEqual([]);
  });
  it('flags unknown instructions in the builder\'s words, in any case', () => {
    expect(textFindings('FROM busybox\nFROBNICATE now\nform x\n')).toEqual([
      {rule: 'unknown-instruction', line: 2, message: 'unknown instruction: FROBNICATE', by: 'builder'},
      {rule: 'unknown-instruction', line: 3, message: 'unknown instruction: FORM', by: 'builder'},
    ]);
  });
  it('flags the first instruction before any FROM (ARG may come first) and an empty file', () => {
    expect(rules('ARG X=1\nRUN echo\nCOPY a b\nFROM busybox')).toEqual([['no-build-stage', 2]]);
    expect(textFindings('RUN echo')[0]!.message).toBe(dockerfileMessages.noBuildStage());
    expect(rules('# only a comment\n')).toEqual([['no-instructions', 0]]);
  });
  it('refuses (the lab, not the builder) a file of ARGs only, and a carriage return alone: Docker 26.1 crashes on both', () => {
    expect(textFindings('# c\nARG A\nARG B=2\n')).toEqual([{rule: 'no-from', line: 0, message: dockerfileMessages.noFrom(), by: 'lab'}]);
    expect(rules('ARG X=1 \\\nFROM busybox\n')).toEqual([['no-from', 0]]); // a continued ARG swallows the FROM, as in the builder
    expect(textFindings('FROM busybox\nRUN echo\rFROM busybox\n')).toEqual([
      {rule: 'lone-cr', line: 2, message: dockerfileMessages.loneCarriageReturn(), by: 'lab'},
    ]);
    expect(rules('FROM busybox\r\nRUN echo\r\n')).toEqual([]);
  });
  it('flags secrets given a value in ARG and ENV, both forms, one finding per name', () => {
    expect(rules('FROM busybox\nENV PASSWORD=x\nARG GITHUB_TOKEN=y\nENV DB_SECRET z\nENV A=1 API_KEY=k')).toEqual([
      ['secret', 2],
      ['secret', 3],
      ['secret', 4],
      ['secret', 5],
    ]);
    expect(textFindings('FROM busybox\nENV PASSWORD=x')[0]!.message).toBe(dockerfileMessages.secret('ENV', 'PASSWORD'));
  });
  it('does not flag secret names without a value, nor names that merely contain the word', () => {
    expect(rules('FROM busybox\nARG TOKEN\nARG PASSWORD=\nENV TOKENIZER_DIR=/t PASSWORDLESS=1')).toEqual([]);
  });
  it('flags # syntax unless allowed', () => {
    expect(rules('# syntax=docker/dockerfile:1\nFROM busybox')).toEqual([['syntax', 1]]);
    expect(rules('# syntax=docker/dockerfile:1\nFROM busybox', ['docker/dockerfile:1'])).toEqual([]);
  });
  it('stops at the size bound with one finding', () => {
    expect(rules('FROM busybox\n' + 'RUN true\n'.repeat(MAX_DOCKERFILE_LINES))).toEqual([['too-large', 0]]);
  });
});

describe('official image names', () => {
  it.each([
    ['busybox', true],
    ['python:3.12', true],
    ['library/alpine', true],
    ['docker.io/library/ubuntu:24.04', true],
    ['alpine@sha256:abc', true],
    ['me/app', false],
    ['localhost:5000/me/app:1', false],
    ['registry.example/x', false],
  ])('%s → %s', (ref, official) => {
    expect(isOfficialImageName(ref)).toBe(official);
  });
  it('gives the repository as Docker Hub names it', () => {
    expect(officialRepository('debian:bookworm-slim')).toBe('debian');
    expect(officialRepository('docker.io/library/busybox@sha256:ab')).toBe('busybox');
  });
});

describe('characters the builder reads otherwise (issue 23)', () => {
  // Go's unicode.IsSpace, less ' ', '\t', '\n', '\r': BuildKit trims them before a keyword; dockerfile-ast does not.
  const goSpaces = [0x0b, 0x0c, 0x85, 0xa0, 0x1680, ...Array.from({length: 11}, (_, i) => 0x2000 + i), 0x2028, 0x2029, 0x202f, 0x205f, 0x3000];
  it('refuses each of them anywhere, with its line, column and code point', () => {
    for (const code of [...goSpaces, 0xfeff, 0x200b, 0x202e, 0x00, 0x07, 0x1b, 0x7f, 0x9b]) {
      const c = String.fromCodePoint(code);
      const f = textFindings(`FROM busybox\nRUN echo a${c}b\n`);
      expect(f, code.toString(16)).toHaveLength(1);
      expect(f[0]).toMatchObject({rule: 'unreadable-char', line: 2, by: 'lab'});
      expect(f[0]!.message).toContain(`U+${code.toString(16).toUpperCase().padStart(4, '0')}) at column 11`);
    }
    expect(textFindings('\uFEFFFROM busybox\n')[0]!.message).toMatch(/byte-order mark.*column 1/);
    expect(textFindings('FROM busybox\n\u00A0FROM x/y\n')[0]!.message).toMatch(/^a no-break space \(U\+00A0\) at column 1 here/);
  });
  it('accepts tabs, spaces, CRLF and other non-ASCII text', () => {
    expect(textFindings('FROM busybox\r\n\tRUN echo "héllo wörld ✓ 日本" \\\r\n  && true\r\n')).toEqual([]);
  });
});
