/**
 * Fuzz: the Dockerfile policy (server/src/dockerfile/policy.ts) on arbitrary
 * text and on Dockerfile-ish text (instructions, flags, variables, quotes,
 * escapes, nesting). Never throws, answers quickly, and a refusal names a
 * line of the text; an image it lets through is one the predicate allowed.
 */
import {performance} from 'node:perf_hooks';
import {describe, expect, it} from 'vitest';
import fc from 'fast-check';
import {checkDockerfile} from '../../src/dockerfile/policy';
import {runs} from './support';

const ALLOWED = new Set(['busybox', 'me/app:1']);

const piece = fc.oneof(
  fc.constantFrom(
    'FROM ', 'ARG ', 'ENV ', 'COPY ', 'ADD ', 'RUN ', 'ONBUILD ', 'LABEL ', 'WORKDIR ', ' AS ', 'from ', 'scratch', 'busybox', 'me/app:1', 'other/app',
    '--from=', '--mount=', 'type=bind,', 'from=', 'target=/m', '$A', '${A}', '${A:-', '${A:+', '}', '$', '{', '\\', '\\\n', '\n', ' ', '"', "'", '=',
    '# syntax=', '# escape=`\n', '`', 'A=', 'http://', '127.0.0.1', '[::1]', 'git@', ':', '/', '<<EOF\n', 'EOF\n', '0', 'BUILDKIT_',
  ),
  fc.string({maxLength: 8}),
);
const dockerfileish = fc.array(piece, {maxLength: 80}).map((p) => p.join(''));
const buildArgs = fc.dictionary(fc.constantFrom('A', 'B', 'I', 'X'), fc.oneof(fc.constantFrom('busybox', 'other/app', '$A', ''), fc.string({maxLength: 6})), {maxKeys: 3});

async function checked(text: string, args: Record<string, string>) {
  const asked: string[] = [];
  const started = performance.now();
  const result = await checkDockerfile(text, {
    buildArgs: args,
    image: async (ref) => {
      asked.push(ref);
      return ALLOWED.has(ref) ? {env: ['PATH=/bin']} : null;
    },
    allowedSyntax: [],
    maxExpansionBytes: 64 * 1024,
    resolve: async () => ['93.184.216.34'], // no lookups leave the process
  });
  return {result, asked, ms: performance.now() - started};
}

describe('checkDockerfile', () => {
  it('never throws on Dockerfile-ish text; refusals name a line of it; answers fast', async () => {
    await fc.assert(
      fc.asyncProperty(dockerfileish, buildArgs, async (text, args) => {
        const {result, ms} = await checked(text, args);
        expect(ms).toBeLessThan(500);
        if (!result.ok) {
          expect(result.line).toBeGreaterThanOrEqual(0);
          expect(result.line).toBeLessThanOrEqual(text.split('\n').length);
          expect(result.message.length).toBeGreaterThan(0);
        }
      }),
      runs(3000),
    );
  });

  it('never throws on arbitrary text', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({maxLength: 300, unit: 'binary'}), async (text) => {
        await checked(text, {});
      }),
      runs(3000),
    );
  });

  it('pathological Dockerfiles cost little: over the size bound they are refused unread', async () => {
    const texts = [
      `FROM busybox\nENV A=${'${A:-'.repeat(1_500)}${'}'.repeat(1_500)}`,
      `FROM busybox\nENV A=${'$A'.repeat(4_000)}`,
      `FROM busybox\nENV ${'a=b '.repeat(2_000)}`,
      `FROM busybox\nRUN ${'--mount=from=x '.repeat(500)}true`,
      `FROM busybox\nRUN ${'x '.repeat(4_000)}`,
      `${'ARG A=1\n'.repeat(198)}FROM busybox`,
      `FROM busybox\nRUN ${'x'.repeat(60_000)}`,
      `${'ARG A=1\n'.repeat(10_000)}FROM busybox`,
    ];
    for (const text of texts) await checked(text, {}); // warm up
    for (const text of texts) {
      const {ms} = await checked(text, {});
      // Generous: a shared machine under load; without the size bound these took seconds.
      expect(ms, text.slice(0, 40)).toBeLessThan(1000);
    }
  });
});
