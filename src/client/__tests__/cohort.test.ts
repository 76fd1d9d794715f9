import {describe, expect, it} from 'vitest';
import {AdminRefused, CohortClient, EventStreamParser} from '../cohort';

describe('EventStreamParser', () => {
  it('splits a text/event-stream into events across arbitrary chunks, skipping comments', () => {
    const got: Array<[string, string]> = [];
    const p = new EventStreamParser((name, data) => got.push([name, data]));
    const stream = ': docker lab cohort\n\nevent: cohort\ndata: {"a":1}\n\n: keep-alive\n\nevent: cohort\r\ndata: {"b":\r\ndata: 2}\r\n\r\ndata: plain\n\n';
    for (let i = 0; i < stream.length; i += 3) p.push(stream.slice(i, i + 3));
    expect(got).toEqual([
      ['cohort', '{"a":1}'],
      ['cohort', '{"b":\n2}'],
      ['message', 'plain'],
    ]);
  });
});

describe('CohortClient', () => {
  it('sends the admin token as a bearer token and says when it is refused', async () => {
    const seen: Array<Record<string, string>> = [];
    const client = new CohortClient('the-token', async (_url, init) => {
      seen.push(init?.headers as Record<string, string>);
      return new Response(JSON.stringify({error: 'Authorization: Bearer <LAB_ADMIN_TOKEN> required'}), {status: 401});
    });
    await expect(client.snapshot()).rejects.toBeInstanceOf(AdminRefused);
    expect(seen[0]).toEqual({authorization: 'Bearer the-token'});
  });

  it('drains and undrains an engine with a POST to its encoded name, with the bearer token', async () => {
    const calls: Array<{url: string; method?: string; headers: Record<string, string>}> = [];
    const client = new CohortClient('the-token', async (url, init) => {
      calls.push({url, method: init?.method, headers: init?.headers as Record<string, string>});
      return new Response(JSON.stringify({engine: {name: 'a b', draining: url.endsWith('/drain')}}), {status: 200});
    });
    expect((await client.drainEngine('a b', true)).draining).toBe(true);
    expect((await client.drainEngine('a b', false)).draining).toBe(false);
    expect(calls.map((c) => [c.method, c.url])).toEqual([
      ['POST', '/companion/admin/engines/a%20b/drain'],
      ['POST', '/companion/admin/engines/a%20b/undrain'],
    ]);
    expect(calls[0]!.headers).toEqual({authorization: 'Bearer the-token'});
  });
});
