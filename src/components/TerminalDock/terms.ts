/**
 * Terms in the terminal's output that link to a page explaining them: Docker's
 * words (CACHED, a layer id, a digest, a tag, the registry's `denied` and
 * `unauthorized`, `no space left on device`) open the terminology page, the
 * errors and every refusal of the lab open their section of the
 * troubleshooting page. Plain string matching, no DOM: ./links.ts puts the
 * matches on xterm's buffer.
 *
 * Each refusal is matched by words that are in every variant of its message
 * (server/src prints them; src/components/TerminalDock/__tests__/terms.test.ts
 * checks the server's own messages against this table, and each anchor
 * against docs/troubleshooting.mdx).
 */

export const TERMINOLOGY = '/docs/terminology';
export const TROUBLESHOOTING = '/docs/troubleshooting';

export interface TermMatch {
  /** Offsets in the line, `end` exclusive. */
  start: number;
  end: number;
  text: string;
  /** Page and anchor, from the site's root. */
  href: string;
  /** What the link opens, in a few words (the tooltip). */
  title: string;
}

interface TermRule {
  pattern: RegExp;
  href: string;
  title: string;
  /** Link only this capture group of the pattern (default: the whole match). */
  group?: number;
}

const term = (anchor: string) => `${TERMINOLOGY}#${anchor}`;
const fix = (anchor: string) => `${TROUBLESHOOTING}#${anchor}`;

/**
 * The lab's refusals and the errors a reader meets, with their sections.
 * First match wins on overlapping text; the pattern is the part of the
 * message that is always there.
 */
export const REFUSALS: ReadonlyArray<{pattern: RegExp; anchor: string}> = [
  // Registry and engine errors (Docker's words)
  {pattern: /denied: requested access to the resource is denied/, anchor: 'denied'},
  {pattern: /unauthorized: [a-z][a-z ]*[a-z]/, anchor: 'unauthorized'},
  {pattern: /no space left on device/, anchor: 'no-space-left-on-device'},
  {pattern: /the lab's Docker Engine is low on disk space/, anchor: 'no-space-left-on-device'},
  {pattern: /the lab's limit per reader is [^:]+/, anchor: 'your-disk-limit'},
  {pattern: /Cannot connect to the Docker daemon|the connection to the Docker daemon at \S+ was lost|error talking to the Docker daemon|the push ended before the registry confirmed it/, anchor: 'engine-unreachable'},
  // The Dockerfile policy (src/protocol/dockerfile-rules.ts and server/src/dockerfile/policy.ts)
  {pattern: /a Dockerfile here may use only the lab's base images and your own images|names no image/, anchor: 'image-not-allowed'},
  {pattern: /an image name here may use such ARGs as \$NAME/, anchor: 'image-not-allowed'},
  {pattern: /a password or token written in a Dockerfile stays in the image/, anchor: 'secret-in-dockerfile'},
  {pattern: /a # syntax directive would run an image as the builder's frontend/, anchor: 'syntax-directive'},
  {pattern: /BUILDKIT_\* build arguments are reserved for the lab/, anchor: 'syntax-directive'},
  {pattern: /the lab refuses values this large/, anchor: 'value-too-large'},
  {pattern: /this Dockerfile is larger than the lab builds/, anchor: 'value-too-large'},
  {pattern: /the engine fetches ADD URLs from the lab's own machine|variables are not supported in ADD sources here|: the URL [a-z]/, anchor: 'add-url'},
  {pattern: /variables are not supported here; name the stage or image|quotes in a mount's options are not supported here/, anchor: 'from-and-mounts'},
  {pattern: /unknown instruction: [A-Za-z]\w*/, anchor: 'unknown-instruction'},
  {pattern: /no build stage in current context|file with no instructions|no FROM: a Dockerfile needs at least one stage|a carriage return without a line feed ends this line/, anchor: 'no-build-stage'},
  // Build context and lessons
  {pattern: /use "\." as the build context|no lesson context yet|the page has not sent the Dockerfile|no lesson context named|the Dockerfile must be inside the build context|no file named "[^"]*" in the lesson's context/, anchor: 'build-context'},
  {pattern: /build context is larger than the lab's limit/, anchor: 'build-context'},
  {pattern: /cd: [^;\n]*; the lesson is still|cd: too many arguments/, anchor: 'build-context'},
  {pattern: /invalid environment variable|no value for \S+: write --build-arg/, anchor: 'build-args'},
  // Names, images, the registry
  {pattern: /is reserved on this lab/, anchor: 'reserved-name'},
  {pattern: /is one of the lab's base images/, anchor: 'base-images'},
  {pattern: /No such image: \S+|No such object: \S+|An image does not exist locally with the tag: \S+/, anchor: 'no-such-image'},
  {pattern: /invalid reference format|Error parsing reference|must not be more than \d+ characters|cannot push a digest reference|refusing to create a tag with a digest reference|cannot specify 64-byte hexadecimal strings/, anchor: 'invalid-reference'},
  {pattern: /log in to the lab registry first|on the lab registry you push under your own name|Non-null (?:Username|Password) Required/, anchor: 'log-in-first'},
  // The terminal itself
  {pattern: /this terminal is not a shell; run one docker command at a time|variables are not expanded here|unterminated quote|command not found/, anchor: 'not-a-shell'},
  {pattern: /is not supported in this terminal|is not available here|is not available in this terminal|is not a docker command/, anchor: 'not-supported'},
  {pattern: /ran longer than the lab's limit of [^:\n]+? and was stopped/, anchor: 'time-limit'},
  {pattern: /this command printed more than the lab's limit of \d+ MiB/, anchor: 'output-limit'},
  {pattern: /slow down: this terminal runs at most \d+ commands a minute/, anchor: 'slow-down'},
  {pattern: /(?:build|push) canceled/, anchor: 'canceled'},
  {pattern: /internal error in the lab server/, anchor: 'internal-error'},
];

const RULES: TermRule[] = [
  ...REFUSALS.map(({pattern, anchor}) => ({pattern, href: fix(anchor), title: 'What this means and what to do (troubleshooting)'})),
  // Docker's words (terminology)
  {pattern: /(?<![\w-])CACHED(?![\w-])/, href: term('build-cache'), title: 'CACHED: this step was reused from the build cache'},
  {pattern: /(?<![\w:])sha256:[0-9a-f]{12,64}(?![0-9a-f])/, href: term('digest'), title: 'A digest: the content address of an image or layer'},
  // A tag: what the build named, what a push printed a digest for, what the classic builder tagged.
  {pattern: /naming to (\S+?)(?: done|$| )/, group: 1, href: term('image-tag'), title: 'An image tag: a name for one image'},
  {pattern: /^(\S+): digest: sha256:/, group: 1, href: term('image-tag'), title: 'An image tag: a name for one image'},
  {pattern: /Successfully tagged (\S+)/, group: 1, href: term('image-tag'), title: 'An image tag: a name for one image'},
  // A layer id: 12 hex digits as push, pull and history print them.
  {pattern: /(?<![\w:./-])[0-9a-f]{12}(?![\w./-])/, href: term('layer'), title: 'A layer id: one layer of an image'},
];

/** Every term in one line of output, left to right, not overlapping. */
export function findTerms(line: string): TermMatch[] {
  const found: TermMatch[] = [];
  for (const rule of RULES) {
    const re = new RegExp(rule.pattern.source, rule.pattern.flags.includes('g') ? rule.pattern.flags : rule.pattern.flags + 'g');
    for (let m = re.exec(line); m; m = re.exec(line)) {
      if (m[0] === '') {
        re.lastIndex++;
        continue;
      }
      const text = rule.group ? m[rule.group] : m[0];
      if (!text) continue;
      const start = rule.group ? m.index + m[0].indexOf(text) : m.index;
      const end = start + text.length;
      if (found.some((f) => start < f.end && f.start < end)) continue;
      found.push({start, end, text, href: rule.href, title: rule.title});
    }
  }
  return found.sort((a, b) => a.start - b.start);
}
