import {DockerfileParser, type Instruction} from 'dockerfile-ast';
import {checkHost, resolveHost, urlHost, type Resolve} from './addresses';
import {expandedLength} from './expansion';
import {formatLimitBytes} from '../limits/format';
import {
  dockerfileMessages as say,
  MAX_DOCKERFILE_CHARS,
  MAX_DOCKERFILE_LINES,
  NOT_ALLOWED,
  syntaxDirectives,
  textFindings,
} from '../../../src/protocol/dockerfile-rules';

/** What the policy needs to know about an image a Dockerfile names. */
export interface ImageFacts {
  /** The image's environment (`K=V`), which its children's ENV values may expand. */
  env: string[];
}

export interface PolicyOptions {
  /** The reader's `--build-arg`s. */
  buildArgs: Record<string, string>;
  /** Facts about an image this reader may build on (a lab base image or the reader's own), or null. */
  image: (ref: string) => Promise<ImageFacts | null>;
  /** `# syntax=` images the operator allows (exact references); empty: none. */
  allowedSyntax: readonly string[];
  /** Longest value an ARG/ENV (or any instruction the builder expands) may expand to, bytes. */
  maxExpansionBytes: number;
  /** Host name resolution for ADD URLs (dns.lookup by default). */
  resolve?: Resolve;
  /** More addresses to treat as the lab's own (beyond this machine's interfaces). */
  labAddresses?: readonly string[];
}

export type PolicyResult = {ok: true} | {ok: false; line: number; message: string};

// The rules' words are shared with the page's editor lint.
export {MAX_DOCKERFILE_CHARS, MAX_DOCKERFILE_LINES, NOT_ALLOWED};

/** Characters an image reference is made of: an ARG used in FROM must expand to these only. */
const REF_CHARS = /^[A-Za-z0-9._:/@-]*$/;
/** Instructions whose arguments the builder does not expand (the shell of the step does). */
const NOT_EXPANDED = new Set(['RUN', 'CMD', 'ENTRYPOINT', 'SHELL', 'HEALTHCHECK']);

class Refusal extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Check a reader's Dockerfile before it reaches the engine. Every place a
 * Dockerfile can name an image (FROM with its ARG substitution, COPY --from,
 * RUN --mount from=, in ONBUILD triggers too) must name a stage of this
 * Dockerfile, `scratch`, a lab base image or the reader's own image; no
 * custom frontend (`# syntax`, BUILDKIT_* build args); no ADD URL that
 * points at this machine or a private network; no ARG/ENV value that
 * expands beyond the limit; no password or token written into an ARG/ENV.
 * Returns the first refusal with its line (1-based).
 */
export async function checkDockerfile(text: string, opts: PolicyOptions): Promise<PolicyResult> {
  // The parser's cost grows faster than the text (measured: up to about 0.2 s for 16 KiB, seconds for 64 KiB; under 0.1 s at this bound),
  // and it runs on the server's event loop: bound the input first. Lesson Dockerfiles are far smaller.
  // The rules the page's lint shares (the size bound first); the builder's own parse errors stay the builder's to print.
  const first = textFindings(text, opts.allowedSyntax).find((f) => f.by === 'lab');
  // Past these, the lab's parser would not read the file as the builder does: nothing more is checked.
  if (first && (first.rule === 'too-large' || first.rule === 'unreadable-char' || first.rule === 'lone-cr')) {
    return {ok: false, line: first.line, message: first.message};
  }
  let refusal: Refusal | null = null;
  try {
    await new Check(text, opts).run();
  } catch (err) {
    if (!(err instanceof Refusal)) throw err;
    refusal = err;
  }
  if (first && (!refusal || (first.line < refusal.line && refusal.line !== 0))) return {ok: false, line: first.line, message: first.message};
  return refusal ? {ok: false, line: refusal.line, message: refusal.message} : {ok: true};
}

/** Variable lengths in scope: ARGs and ENVs (ENV wins, as in the builder). */
interface Scope {
  args: Map<string, number>;
  env: Map<string, number>;
}

class Check {
  readonly #opts: PolicyOptions;
  readonly #text: string;
  readonly #images = new Map<string, Promise<ImageFacts | null>>();
  readonly #stageNames = new Set<string>();
  #stageCount = 0;
  /** Lengths of the global ARGs (before the first FROM). */
  readonly #globals = new Map<string, number>();

  constructor(text: string, opts: PolicyOptions) {
    this.#text = text;
    this.#opts = opts;
  }

  async run(): Promise<void> {
    this.#buildArgs();
    const file = DockerfileParser.parse(this.#text);
    this.#directives();
    const escape = file.getEscapeCharacter();
    const instructions = file.getInstructions();
    for (const i of instructions) {
      if (i.getKeyword().toUpperCase() !== 'FROM') continue;
      this.#stageCount++;
      const stage = (i as unknown as {getBuildStage(): string | null}).getBuildStage();
      if (stage) this.#stageNames.add(stage.toLowerCase());
    }

    const globals: Scope = {args: this.#globals, env: new Map()};
    /** Global ARG values as text, for FROM substitution (null: not usable in an image name). */
    const globalText = new Map<string, string | null | undefined>();
    const stageEnv: Array<Map<string, number>> = [];
    const stageByName = new Map<string, number>();
    let scope: Scope | null = null;

    for (const i of instructions) {
      const keyword = i.getKeyword().toUpperCase();
      const line = i.getRange().start.line + 1;
      if (keyword === 'FROM') {
        if (scope) stageEnv.push(scope.env);
        const from = i as unknown as {getImage(): string | null; getBuildStage(): string | null};
        const raw = from.getImage() ?? '';
        const image = this.#substitute(raw, globalText, line);
        const base = await this.#base(image, line, stageByName, stageEnv);
        scope = {args: new Map(), env: base};
        const stage = from.getBuildStage();
        if (stage) stageByName.set(stage.toLowerCase(), stageEnv.length);
        stageByName.set(String(stageEnv.length), stageEnv.length);
        continue;
      }
      const current = scope ?? globals;
      if (keyword === 'ARG' || keyword === 'ENV') {
        this.#assign(i, keyword, current, scope === null, globalText, escape, line);
      } else if (!NOT_EXPANDED.has(keyword)) {
        this.#limit(keyword, this.#length(i.getRawArgumentsContent() ?? '', current, escape), line);
      }
      await this.#instruction(i, keyword, line);
    }
  }

  #buildArgs(): void {
    for (const key of Object.keys(this.#opts.buildArgs)) {
      if (/^BUILDKIT_/i.test(key)) {
        throw new Refusal(0, say.buildkitArg(key));
      }
    }
  }

  #directives(): void {
    for (const d of syntaxDirectives(this.#text)) {
      if (!this.#opts.allowedSyntax.includes(d.value)) throw new Refusal(d.line, say.syntax(d.value));
    }
  }

  /**
   * Substitute global ARGs in a FROM image as the builder does. Only ARGs
   * declared before the first FROM count (a build arg applies only to those);
   * their values must be plain image-name characters, anything else is refused
   * rather than guessed at.
   */
  #substitute(raw: string, globalText: Map<string, string | null | undefined>, line: number): string {
    if (!raw.includes('$')) return raw;
    const unusable = (why: string) =>
      new Refusal(line, `FROM ${raw}: ${why}; an image name here may use such ARGs as $NAME or \${NAME:-default}`);
    return raw.replace(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^${}\\]*))?\}|([A-Za-z_][A-Za-z0-9_]*))|[$\\{}]/g, (m, braced, op, word, bare) => {
      const name: string | undefined = braced ?? bare;
      if (!name) throw unusable(`"${m}" is not a plain ARG reference`);
      if (!globalText.has(name)) throw unusable(`${name} is not an ARG declared before the first FROM`);
      const declared = globalText.get(name);
      const value = this.#opts.buildArgs[name] ?? declared;
      if (value === null || (word !== undefined && !REF_CHARS.test(word)) || (value !== undefined && !REF_CHARS.test(value))) {
        throw unusable(`the value of ${name} is not made only of image-name characters`);
      }
      const isSet = value !== undefined;
      const v = value ?? '';
      if (!op) return v;
      const present = op.startsWith(':') ? v !== '' : isSet;
      if (op.endsWith('-')) return present ? v : word;
      return present ? word : '';
    });
  }

  /** The environment a stage starts with: its parent stage's or its image's. */
  async #base(image: string, line: number, stageByName: Map<string, number>, stageEnv: Array<Map<string, number>>): Promise<Map<string, number>> {
    const key = image.toLowerCase();
    const stage = stageByName.get(key);
    if (stage !== undefined && !/^\d+$/.test(key)) return new Map(stageEnv[stage]);
    if (key === 'scratch') return new Map();
    const facts = await this.#allowed(image, line, 'FROM');
    const env = new Map<string, number>();
    for (const kv of facts.env) {
      const eq = kv.indexOf('=');
      if (eq > 0) env.set(kv.slice(0, eq), kv.length - eq - 1);
    }
    return env;
  }

  async #allowed(image: string, line: number, where: string): Promise<ImageFacts> {
    if (!image) throw new Refusal(line, say.noImage(where));
    let facts = this.#images.get(image);
    if (!facts) {
      facts = this.#opts.image(image);
      this.#images.set(image, facts);
    }
    const found = await facts;
    if (!found) throw new Refusal(line, say.notAllowed(where, image));
    return found;
  }

  /** A stage of this Dockerfile (by name or index), or an image the reader may use. */
  async #imageOrStage(ref: string, line: number, where: string): Promise<void> {
    if (ref.includes('$')) throw new Refusal(line, `${where}=${ref}: variables are not supported here; name the stage or image`);
    const key = ref.toLowerCase();
    if (this.#stageNames.has(key)) return;
    if (/^\d+$/.test(key) && Number(key) < this.#stageCount) return;
    if (key === 'scratch') return;
    await this.#allowed(ref, line, where);
  }

  /**
   * ARG/ENV: each value's expanded length, within the limit; remembered for
   * later lines. Global ARGs also keep their text (for FROM): undefined when
   * declared without a value, null when their value uses variables.
   */
  #assign(
    i: Instruction,
    keyword: 'ARG' | 'ENV',
    scope: Scope,
    global: boolean,
    globalText: Map<string, string | null | undefined>,
    escape: string,
    line: number,
  ): void {
    const properties = (i as unknown as {getProperties(): Array<{getName(): string; getValue(): string | null}>}).getProperties();
    const target = keyword === 'ARG' ? scope.args : scope.env;
    const thisLine = new Map<string, number>();
    // A value may see the line's earlier values (ARG) or only older ones (ENV): count the larger.
    const lengthOf = (name: string) => Math.max(thisLine.get(name) ?? 0, scope.env.get(name) ?? scope.args.get(name) ?? 0);
    for (const p of properties) {
      const name = p.getName();
      const value = p.getValue();
      const given = keyword === 'ARG' ? this.#opts.buildArgs[name] : undefined;
      let length: number;
      if (given !== undefined) length = given.length;
      else if (value !== null) length = expandedLength(value, lengthOf, escape);
      else if (keyword === 'ARG' && !global) length = this.#globalLength(name, globalText);
      else length = target.get(name) ?? 0;
      this.#limit(`${keyword} ${name}`, length, line);
      thisLine.set(name, length);
      if (global && keyword === 'ARG') {
        if (value !== null) globalText.set(name, value.includes('$') || value.includes(escape) ? null : value);
        else if (!globalText.has(name)) globalText.set(name, undefined);
      }
    }
    for (const [name, length] of thisLine) target.set(name, length);
  }

  #globalLength(name: string, globalText: Map<string, string | null | undefined>): number {
    if (!globalText.has(name)) return 0;
    const given = this.#opts.buildArgs[name];
    if (given !== undefined) return given.length;
    const text = globalText.get(name);
    return text === null ? this.#globals.get(name) ?? 0 : (text?.length ?? 0);
  }

  #length(word: string, scope: Scope, escape: string): number {
    return expandedLength(word, (name) => scope.env.get(name) ?? scope.args.get(name) ?? 0, escape);
  }

  #limit(what: string, length: number, line: number): void {
    const max = this.#opts.maxExpansionBytes;
    if (length <= max) return;
    const size = Number.isFinite(length) ? ` (${formatLimitBytes(length)})` : '';
    throw new Refusal(
      line,
      `${what} expands to more than ${formatLimitBytes(max)}${size}: the lab refuses values this large, since expanding them keeps the engine busy`,
    );
  }

  /** Image references in flags, and ADD URLs; in ONBUILD triggers too. */
  async #instruction(i: Instruction, keyword: string, line: number): Promise<void> {
    if (keyword === 'ONBUILD') {
      const trigger = (i as unknown as {getTriggerInstruction(): Instruction | null}).getTriggerInstruction();
      if (trigger) await this.#instruction(trigger, trigger.getKeyword().toUpperCase(), line);
      return;
    }
    const flags = (i as unknown as {getFlags?(): Array<{getName(): string; getValue(): string | null}>}).getFlags?.() ?? [];
    for (const f of flags) {
      const name = f.getName().toLowerCase();
      const value = f.getValue() ?? '';
      if ((keyword === 'COPY' || keyword === 'ADD') && name === 'from') await this.#imageOrStage(value, line, `${keyword} --from`);
      if (keyword === 'RUN' && name === 'mount') {
        if (/["']/.test(value)) throw new Refusal(line, 'RUN --mount: quotes in a mount\'s options are not supported here');
        for (const option of value.split(',')) {
          const eq = option.indexOf('=');
          const key = (eq < 0 ? option : option.slice(0, eq)).trim().toLowerCase();
          if (key === 'from') await this.#imageOrStage(option.slice(eq + 1).trim(), line, 'RUN --mount from');
        }
      }
    }
    if (keyword === 'ADD') await this.#addSources(i, line);
  }

  async #addSources(i: Instruction, line: number): Promise<void> {
    const args = i.getArguments().map((a) => a.getValue());
    for (const source of args.slice(0, -1)) {
      const url = urlHost(source);
      if (source.includes('$') && (url || /:\/\/|@/.test(source) || /^\$/.test(source))) {
        throw new Refusal(line, `ADD ${source}: variables are not supported in ADD sources here; write the URL or path out`);
      }
      if (!url) continue;
      if ('error' in url) throw new Refusal(line, `ADD ${source}: the URL ${url.error}`);
      const why = await checkHost(url.host, this.#opts.resolve ?? resolveHost, this.#opts.labAddresses);
      if (why) {
        throw new Refusal(line, `ADD ${redactUserinfo(source)}: the engine fetches ADD URLs from the lab's own machine, and ${why}: refused`);
      }
    }
  }
}

/** A URL as it may be shown: without a password in it. */
function redactUserinfo(source: string): string {
  return source.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/@]*@/, '$1');
}
