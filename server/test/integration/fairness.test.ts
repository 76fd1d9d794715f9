/**
 * Issue 12 points 6 and 7: one reader's frames cannot stall or bloat the
 * server for the others. Input and resize frames are rate-limited with a
 * clear error; acknowledging output that was never sent is a protocol error;
 * a page that stays behind its output is closed with a reason it shows.
 */
import {describe, expect, it} from 'vitest';
import {fileTestLab, startTestLab, TestClient} from './harness';

const lab = fileTestLab();

describe('rate limits on input and resize frames', () => {
  it('a flood of input frames is cut with one clear error a second, and the terminal stays usable', async () => {
    const client = await TestClient.connect(lab.url);
    const from = client.messages.length;
    for (let i = 0; i < 2000; i++) client.send({t: 'input', data: 'x'});
    const err = await client.waitFor((m) => m.t === 'error' && m.code === 'rate-limited', 10_000, from);
    expect(err).toMatchObject({message: expect.stringMatching(/input frames.*a second/)});
    const errors = client.messages.slice(from).filter((m) => m.t === 'error');
    expect(errors.length).toBeLessThanOrEqual(3);
    // The terminal stays usable: once the rate allows again (the limit is per second, so keys sent in
    // the same instant as the flood may be dropped too), a typed command runs.
    let end = null;
    for (let attempt = 0; attempt < 6 && !end; attempt++) {
      const mark = client.messages.length;
      client.send({t: 'input', data: '\x15help\r'});
      end = await client.waitFor((m) => m.t === 'command-end', 1000, mark).catch(() => null);
    }
    expect(end).toMatchObject({exitCode: 0});
    client.close();
  });

  it('a flood of resize frames is cut too, and the last size still applies', async () => {
    const client = await TestClient.connect(lab.url);
    const from = client.messages.length;
    for (let i = 0; i < 5000; i++) client.send({t: 'resize', cols: 40 + (i % 100), rows: 20});
    const err = await client.waitFor((m) => m.t === 'error' && m.code === 'rate-limited', 10_000, from);
    expect(err).toMatchObject({message: expect.stringMatching(/resize frames/)});
    client.close();
  });
});

describe('flow control', () => {
  it('acknowledging output that was never sent is a protocol error that closes the connection', async () => {
    const client = await TestClient.connect(lab.url, {autoAck: false});
    const from = client.messages.length;
    const closed = new Promise<number>((resolve) => client.ws.once('close', (code) => resolve(code)));
    client.send({t: 'ack', seq: Number.MAX_SAFE_INTEGER});
    const err = await client.waitFor((m) => m.t === 'error', 10_000, from).catch(() => null);
    expect(err).toMatchObject({code: 'bad-frame', message: expect.stringMatching(/never sent/)});
    expect(await closed).toBe(4005);
  });

  it('a page that stops acknowledging a loud build is closed with a reason it shows, and the build stops', async () => {
    const quick = await startTestLab({LAB_UNACKED_BYTES: '65536', LAB_ACK_TIMEOUT_MS: '2000', LAB_BUILDER: 'classic'});
    try {
      const client = await TestClient.connect(quick.url, {autoAck: false});
      const from = client.messages.length;
      client.sendRun('loud', 'docker build --no-cache -t lab/loud-behind .', {
        context: 'tiny',
        dockerfile: `FROM busybox\nRUN for i in $(seq 1 200000); do echo "loud line $i"; done # ${Date.now()}\n`,
      });
      const ended = await client.waitFor((m) => m.t === 'error' && m.code === 'expired', 120_000, from).catch(() => null);
      expect(ended).toMatchObject({message: expect.stringMatching(/did not acknowledge its output for 2 s/)});
      // The server held at most the window plus the hard bound, not the build's whole output.
      const sent = client.messages.filter((m) => m.t === 'output').reduce((n, m) => n + Buffer.byteLength((m as {data: string}).data), 0);
      expect(sent).toBeLessThan(4 * 65536 + 64 * 1024);
    } finally {
      await quick.close();
    }
  });
});
