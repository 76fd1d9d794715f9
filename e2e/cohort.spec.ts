/**
 * Three readers at once, each in their own browser context (own cookie jar):
 * each chooses a lab name at the first Run, builds hello, tags v1, logs in
 * with the lab password from the dock, pushes both tags, lists and inspects
 * their images. All succeed under their own names; a reload keeps the reader.
 */
import {expect, test, type Browser} from '@playwright/test';
import {labEnv, registryGet} from '../server/test/integration/lab-env';
import {block, chooseNameInDock, labName, labPasswordFromDock, ranAfterNaming, terminalText, typeInTerminal, waitForTerminal} from './lab';

const env = labEnv();
const registry = env.LAB_REGISTRY ?? 'localhost:5000';

async function reader(browser: Browser, baseURL: string, i: number): Promise<{name: string; digests: string[]}> {
  const context = await browser.newContext({baseURL});
  const page = await context.newPage();
  try {
    const name = labName(`b${i}`);
    await page.goto('/docs/writing-a-dockerfile');
    const build = block(page, 'docker build', {context: 'hello', lang: 'bash'});
    await build.scrollIntoViewIfNeeded();
    await build.getByTestId('run-button').click();
    await chooseNameInDock(page, name);
    await ranAfterNaming(build, 'ok', 240_000);
    const image = `${registry}/${name}/hello`;
    const password = await labPasswordFromDock(page);
    /** Type a command; wait until the next prompt shows (the command ended) and `done` matches. */
    const cmd = async (line: string, done: RegExp) => {
      const prompts = (t: string) => (t.match(/lab(:[a-z0-9-]+)?\$ /g) ?? []).length;
      const before = prompts(await terminalText(page));
      await typeInTerminal(page, `${line}\n`);
      await expect.poll(async () => prompts(await terminalText(page)), {timeout: 240_000}).toBeGreaterThan(before);
      return waitForTerminal(page, done, 240_000);
    };
    await cmd(`docker tag ${image} ${image}:v1`, /docker tag/);
    await typeInTerminal(page, `docker login -u ${name} ${registry}\n`);
    await waitForTerminal(page, /Password:\s*$/);
    await page.keyboard.type(`${password}\n`);
    await waitForTerminal(page, /Login Succeeded/);
    let text = await cmd(`docker push ${image}`, /latest: digest: sha256:[0-9a-f]{64}/);
    text = await cmd(`docker push ${image}:v1`, /v1: digest: sha256:[0-9a-f]{64}/);
    const digests = ['latest', 'v1'].map((t) => new RegExp(`${t}: digest: (sha256:[0-9a-f]{64})`).exec(text)![1]!);
    text = await cmd('docker images', /REPOSITORY[\s\S]*hello\s+v1/);
    text = await cmd(`docker history ${image}:v1`, /IMAGE\s+CREATED\s+CREATED BY[\s\S]*hello/);
    expect(text).not.toContain(password);
    // A reload: the same reader, the image still there.
    await page.reload();
    await page.getByTestId('dock-toggle').click();
    await expect(page.getByTestId('reader-name-shown')).toHaveText(name);
    return {name, digests};
  } finally {
    await context.close();
  }
}

test('three readers in three browsers follow the whole path at once', async ({browser, baseURL}) => {
  test.setTimeout(600_000);
  const results = await Promise.all([0, 1, 2].map((i) => reader(browser, baseURL!, i)));
  for (const {name, digests} of results) {
    const tags = (await (await registryGet(`/v2/${name}/hello/tags/list`)).json()) as {tags: string[]};
    expect(tags.tags.sort()).toEqual(['latest', 'v1']);
    const m = await registryGet(`/v2/${name}/hello/manifests/v1`, {
      accept: 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json',
    });
    expect(m.headers.get('docker-content-digest')).toBe(digests[1]);
  }
});
