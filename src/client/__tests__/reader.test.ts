import {describe, expect, it} from 'vitest';
import {ReaderClient} from '../reader';

const reader = {name: 'alice', disk: {used: 0, limit: 1}, passwordKnown: true, labRegistry: 'localhost:5000', tokenAuth: true, idleDays: 7};
const answer = (status: number, body: unknown) => Promise.resolve(new Response(JSON.stringify(body), {status, headers: {'content-type': 'application/json'}}));

describe('ReaderClient: the lab password', () => {
  it('says that regenerating ended the registry login; showing it says nothing more (issue 27)', async () => {
    const client = new ReaderClient((_path, init) => {
      const action = (JSON.parse(String(init?.body ?? '{}')) as {action?: string}).action;
      return answer(200, {password: action === 'regenerate' ? 'newpw-aaaaa-bbbbb-ccccc' : 'oldpw-aaaaa-bbbbb-ccccc', reader});
    });
    await client.showPassword();
    expect(client.get().notice).toBeNull();
    await client.regenerate();
    expect(client.get().password).toBe('newpw-aaaaa-bbbbb-ccccc');
    expect(client.get().notice).toMatch(/registry login ended.*docker login again/);
    await client.showPassword();
    expect(client.get().notice).toBeNull();
  });

  it('a refused regenerate shows the error and no notice', async () => {
    const client = new ReaderClient(() => answer(401, {error: 'choose a lab name first'}));
    await client.regenerate();
    expect(client.get().error).toBe('choose a lab name first');
    expect(client.get().notice).toBeNull();
  });
});
