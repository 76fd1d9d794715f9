/** Recorded engine streams and what the docker CLI printed for them (server/test/fixtures). */
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import type {JSONMessage} from '../../src/render/jsonmessage';

export const FIXTURES = join(__dirname, '../fixtures');

/** A recorded engine stream: newline-delimited JSON exactly as the engine sent it. */
export function messages(name: string): JSONMessage[] {
  return readFileSync(join(FIXTURES, name), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as JSONMessage);
}

/** What the docker CLI printed (`*.docker-20.10.txt`, `*.docker-28.txt`; captured through a pty: CRLF). */
export function cli(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8');
}
