import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {findTerms, REFUSALS, TERMINOLOGY, TROUBLESHOOTING} from '../../../src/components/TerminalDock/terms';
import {dockerfileMessages} from '../../../src/protocol/dockerfile-rules';
import {checkDockerfile} from '../../src/dockerfile/policy';
import {parseCommandLine} from '../../src/cli/parse';
import {noSuchImage, reservedName} from '../../src/images/ownership';
import {diskRefusal} from '../../src/engine/disk';
import {streamBroken, toEngineError} from '../../src/engine/errors';

const links = (line: string) => findTerms(line).map((t) => [t.text, t.href]);
const hrefs = (line: string) => findTerms(line).map((t) => t.href);

describe('Docker\'s words in the output', () => {
  it.each([
    ['#5 CACHED', 'CACHED', `${TERMINOLOGY}#build-cache`],
    ['#8 writing image sha256:2f1c3a9b8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b done', 'sha256:2f1c3a9b8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b', `${TERMINOLOGY}#digest`],
    ['5f70bf18a086: Pushed', '5f70bf18a086', `${TERMINOLOGY}#layer`],
    ['#8 naming to localhost:5000/ada/app:1.0 done', 'localhost:5000/ada/app:1.0', `${TERMINOLOGY}#image-tag`],
    ['Successfully tagged hello:latest', 'hello:latest', `${TERMINOLOGY}#image-tag`],
    ['denied: requested access to the resource is denied', 'denied: requested access to the resource is denied', `${TROUBLESHOOTING}#denied`],
    ['unauthorized: authentication required', 'unauthorized: authentication required', `${TROUBLESHOOTING}#unauthorized`],
    ['ERROR: failed to solve: write /var/lib/x: no space left on device', 'no space left on device', `${TROUBLESHOOTING}#no-space-left-on-device`],
  ])('%j links %j to %s', (line, text, href) => {
    expect(links(line)).toContainEqual([text, href]);
  });

  it('links the tag and the digest of a push\'s last line separately', () => {
    const digest = 'sha256:' + 'ab'.repeat(32);
    expect(links(`1.0: digest: ${digest} size: 528`)).toEqual([
      ['1.0', `${TERMINOLOGY}#image-tag`],
      [digest, `${TERMINOLOGY}#digest`],
    ]);
  });

  it('leaves ordinary words, longer hex runs and words containing CACHED alone', () => {
    expect(links('#5 [2/3] RUN echo hello')).toEqual([]);
    expect(links('UNCACHED NOT-CACHED deadbeefdeadbeefdead /tmp/5f70bf18a086x')).toEqual([]);
  });
});

describe('the lab\'s refusals', () => {
  const policyOpts = {buildArgs: {}, image: async (ref: string) => (ref === 'busybox' ? {env: []} : null), allowedSyntax: [], maxExpansionBytes: 64};
  const policy = async (text: string, buildArgs: Record<string, string> = {}) => {
    const r = await checkDockerfile(text, {...policyOpts, buildArgs, resolve: async () => ['127.0.0.1']});
    if (r.ok) throw new Error(`not refused: ${text}`);
    return r.message;
  };
  const parsed = (line: string) => {
    const r = parseCommandLine(line);
    if (r.ok) throw new Error(`not refused: ${line}`);
    return r.message;
  };

  it('each message the server prints opens its troubleshooting section', async () => {
    const messages: Array<[string, string]> = [
      [await policy('FROM other/app'), 'image-not-allowed'],
      [await policy('FROM busybox\nCOPY --from=other/app /a /b'), 'image-not-allowed'],
      [await policy('FROM $NOPE'), 'image-not-allowed'],
      [await policy('FROM busybox\nENV API_TOKEN=abc'), 'secret-in-dockerfile'],
      [await policy('# syntax=docker/dockerfile:1\nFROM scratch'), 'syntax-directive'],
      [await policy('FROM scratch', {BUILDKIT_SYNTAX: 'x'}), 'syntax-directive'],
      [await policy('FROM scratch\nENV A=' + 'a'.repeat(100)), 'value-too-large'],
      [await policy('FROM scratch\n' + 'LABEL a=b\n'.repeat(300)), 'value-too-large'],
      [await policy('FROM scratch\nADD http://lab.example/x /x'), 'add-url'],
      [await policy('FROM scratch\nADD $U /x'), 'add-url'],
      [await policy('FROM scratch\nCOPY --from=$S /a /b'), 'from-and-mounts'],
      [await policy('FROM scratch\nRUN --mount=type=bind,"from=x" true'), 'from-and-mounts'],
      [dockerfileMessages.unknownInstruction('FORM'), 'unknown-instruction'],
      ['ERROR: failed to solve: dockerfile parse error on line 2: unknown instruction: FROBNICATE', 'unknown-instruction'],
      [dockerfileMessages.noBuildStage(), 'no-build-stage'],
      [parsed('ls -l'), 'not-a-shell'],
      [parsed('docker images | grep x'), 'not-a-shell'],
      [parsed('docker build -t $NAME .'), 'not-a-shell'],
      [parsed('docker exec busybox'), 'not-supported'],
      [parsed('docker run --privileged busybox'), 'not-supported'],
      [parsed('docker run -d busybox'), 'not-supported'],
      [dockerfileMessages.noFrom(), 'no-build-stage'],
      [dockerfileMessages.loneCarriageReturn(), 'no-build-stage'],
      [parsed('docker frobnicate'), 'not-supported'],
      [parsed('docker build --network host .'), 'not-supported'],
      [parsed('docker build --build-arg NOVALUE .'), 'build-args'],
      [parsed('docker tag busybox UPPER'), 'invalid-reference'],
      [parsed('docker push x@sha256:' + 'a'.repeat(64)), 'invalid-reference'],
      [reservedName('alpine', 'localhost:5000', 'alice'), 'reserved-name'],
      [noSuchImage('me/app:1'), 'no-such-image'],
      [diskRefusal(1, 1024 ** 3)!, 'no-space-left-on-device'],
      [toEngineError(Object.assign(new Error('x'), {code: 'ECONNREFUSED'}), 'unix:///x.sock').message, 'engine-unreachable'],
      [streamBroken(new Error('x'), 'unix:///x.sock', 'build').message, 'engine-unreachable'],
      // Literal messages of the command handlers (server/src/commands, session, readers, lessons)
      ['this terminal builds the current lesson\'s folder: use "." as the build context (got "x")', 'build-context'],
      ['no lesson context yet: press Build (or Run) on a lesson\'s Dockerfile block first', 'build-context'],
      ['the page has not sent the Dockerfile of lesson "hello" yet: press its Build button', 'build-context'],
      ['build context is larger than the lab\'s limit of 64 MiB: nothing was sent to the engine', 'build-context'],
      ['cd: no lesson named "x"; the lesson is still hello', 'build-context'],
      ['"busybox" is one of the lab\'s base images: tag your own image and push that', 'base-images'],
      ['An image does not exist locally with the tag: localhost:5000/ada/app', 'no-such-image'],
      ['log in to the lab registry first: docker login localhost:5000', 'log-in-first'],
      ['on the lab registry you push under your own name: localhost:5000/ada/… (you are logged in as ada)', 'log-in-first'],
      ['Error: Non-null Password Required', 'log-in-first'],
      ['ERROR: the build ran longer than the lab\'s limit of 10m0s and was stopped', 'time-limit'],
      ['output stopped: this command printed more than the lab\'s limit of 8 MiB', 'output-limit'],
      ['slow down: this terminal runs at most 30 commands a minute; nothing was run', 'slow-down'],
      ['your images use 2.1 GB, the lab\'s limit per reader is 2 GB: remove some (docker rmi) before building more', 'your-disk-limit'],
      ['ERROR: build canceled', 'canceled'],
      ['internal error in the lab server (logged); the session is still usable', 'internal-error'],
    ];
    for (const [message, anchor] of messages) {
      // The first line is what the reader reads first; a long one wraps, which ./links.ts joins.
      expect(hrefs(message.split('\n')[0]!), message).toContain(`${TROUBLESHOOTING}#${anchor}`);
    }
  });

  it('every section a link opens exists on its page', () => {
    const ids = (file: string) => {
      const text = readFileSync(new URL(`../../../docs/${file}`, import.meta.url), 'utf8');
      const out = new Set<string>();
      for (const m of text.matchAll(/^#{2,4} (.+?)(?: \\?\{#([a-z0-9-]+)\})?$/gm)) {
        out.add(m[2] ?? m[1]!.toLowerCase().replace(/[^a-z0-9 -]/g, '').trim().replace(/ /g, '-'));
      }
      return out;
    };
    const troubleshooting = ids('troubleshooting.mdx');
    for (const {anchor} of REFUSALS) expect(troubleshooting, anchor).toContain(anchor);
    const terminology = ids('terminology.mdx');
    for (const anchor of ['build-cache', 'digest', 'layer', 'image-tag']) expect(terminology, anchor).toContain(anchor);
  });
});
