import {inspect} from 'node:util';

const REDACTED = '[redacted]';

/**
 * A password or token. It can only be read with `reveal()`: printing,
 * logging, JSON-encoding or string-concatenating it yields "[redacted]", so a
 * secret cannot leak into a log line or an error message by accident.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  get empty(): boolean {
    return this.#value.length === 0;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return `Secret(${REDACTED})`;
  }
}
