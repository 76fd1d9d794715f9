import {Readable} from 'node:stream';
import {describe, expect, it} from 'vitest';
import {jsonMessages} from '../../src/engine/json-stream';

async function all(chunks: Array<Buffer | string>) {
  const out = [];
  for await (const m of jsonMessages(Readable.from(chunks))) out.push(m);
  return out;
}

describe('jsonMessages', () => {
  const text =
    '{"stream":"Step 1/2 : FROM busybox ✓ 🐳\\n"}\n' +
    '{"id":"moby.buildkit.trace","aux":""}\n' +
    'not json\n' +
    `{"aux":"${'A'.repeat(5000)}"}\n` +
    '{"stream":"last, no newline"}';
  const expected = [
    {stream: 'Step 1/2 : FROM busybox ✓ 🐳\n'},
    {stream: 'not json\n'},
    {aux: 'A'.repeat(5000)},
    {stream: 'last, no newline'},
  ];

  it('gives each line as a message, wherever the chunks are cut (inside UTF-8 characters too)', async () => {
    const bytes = Buffer.from(text);
    expect(await all([bytes])).toEqual(expected);
    for (const size of [1, 2, 3, 7, 64, 1000, 4096]) {
      const chunks = [];
      for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
      expect(await all(chunks), `chunks of ${size}`).toEqual(expected);
    }
  });

  it('takes string chunks too', async () => {
    expect(await all([text.slice(0, 10), text.slice(10, 5100), text.slice(5100)])).toEqual(expected);
  });
});
