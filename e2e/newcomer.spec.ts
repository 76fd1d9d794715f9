/**
 * A newcomer's path, in a real browser, against the real server, engine and
 * registry: landing page → the Dockerfile lesson → Build (the first Run asks for a
 * lab name) → log in with the lab name and the lab password from the dock → push; then,
 * outside the browser, the registry lists the tag and the real docker CLI
 * pulls the image back by its digest and runs it.
 */
import {execFileSync} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {expect, test} from '@playwright/test';
import {labEnv, registryGet} from '../server/test/integration/lab-env';
import {block, chooseNameInDock, labName, labPasswordFromDock, openFromSidebar, ranAfterNaming, runBlock, terminalText, typeInTerminal, waitForTerminal} from './lab';

const env = labEnv();
const registry = env.LAB_REGISTRY ?? 'localhost:5000';
const user = labName('new');

test('landing → build → login → push, then pull it back by digest and run it', async ({page}) => {
  await page.goto('/');
  await page.getByRole('link', {name: /start the guide/i}).first().click();
  await openFromSidebar(page, /writing a dockerfile/i);
  await expect(page.locator('article h1')).toContainText(/Dockerfile/);

  // Build: the first Run asks for a lab name; then the block shows the lab registry and that name,
  // and that Run runs by itself (one press), the keyboard back on its button.
  const build = block(page, 'docker build', {context: 'hello', lang: 'bash'});
  await build.scrollIntoViewIfNeeded();
  await build.getByTestId('run-button').click();
  await chooseNameInDock(page, user);
  await expect(build.locator('pre')).toContainText(`docker build . -t ${registry}/${user}/hello`);
  await expect(build.getByTestId('run-button')).toBeFocused();
  await ranAfterNaming(build, 'ok');
  expect(await terminalText(page)).toContain(`docker build . -t ${registry}/${user}/hello`);
  expect((await terminalText(page)).match(/\$ docker build \. -t/g)).toHaveLength(1);
  const password = await labPasswordFromDock(page);
  let text = await waitForTerminal(page, /naming to .*hello.* done/);
  expect(text).toMatch(/#\d+ \[\d\/\d\] FROM/);
  expect(text).toMatch(/#\d+ DONE \d+\.\d+s/);

  // Log in: Run types the command; the reader answers the prompts in the terminal.
  await openFromSidebar(page, /logging in and pushing/i);
  await expect(page.locator('article h1')).toContainText(/push/i);
  const login = block(page, 'docker login');
  await login.scrollIntoViewIfNeeded();
  await login.getByTestId('run-button').click();
  await waitForTerminal(page, /Username:\s*$/);
  await typeInTerminal(page, `${user}\n`);
  await waitForTerminal(page, /Password:\s*$/);
  await page.keyboard.type(`${password}\n`);
  await expect(login.getByTestId('block-status')).toHaveAttribute('data-state', 'ok');
  text = await waitForTerminal(page, /Login Succeeded/);
  expect(text).not.toContain(password);

  // Push: per-layer lines, ending in the digest.
  const push = block(page, new RegExp(`docker push ${registry}/${user}/hello$`));
  await runBlock(push, 'ok');
  text = await waitForTerminal(page, /latest: digest: sha256:[0-9a-f]{64} size: \d+/);
  expect(text).toMatch(/The push refers to repository \[.*\/hello\]/);
  expect(text).toMatch(/[0-9a-f]{12}: (Pushed|Layer already exists)/);
  const digest = /latest: digest: (sha256:[0-9a-f]{64})/.exec(text.split('docker push').pop()!)![1]!;

  // Outside the browser: the registry's API lists the tag, with that digest.
  const tags = (await (await registryGet(`/v2/${user}/hello/tags/list`)).json()) as {tags: string[]};
  expect(tags.tags).toContain('latest');
  const manifest = await registryGet(`/v2/${user}/hello/manifests/latest`, {
    accept: 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json',
  });
  expect(manifest.headers.get('docker-content-digest')).toBe(digest);

  // The real docker CLI pulls it back by digest (after removing the local copy) and runs it.
  const config = mkdtempSync(path.join(tmpdir(), 'lab-e2e-docker-'));
  const docker = (args: string[], input?: string) =>
    execFileSync('docker', args, {
      env: {...process.env, DOCKER_HOST: env.DOCKER_HOST, DOCKER_CONFIG: config},
      input,
      encoding: 'utf8',
      stdio: ['pipe', 'pipe', 'pipe'],
    });
  try {
    docker(['login', '-u', user, '--password-stdin', registry], password);
    const id = docker(['image', 'inspect', '-f', '{{.Id}}', `${registry}/${user}/hello`]).trim();
    docker(['image', 'rm', '-f', id]);
    const pulled = docker(['pull', `${registry}/${user}/hello@${digest}`]);
    expect(pulled).toContain(digest);
    const out = docker(['run', '--rm', `${registry}/${user}/hello@${digest}`]);
    expect(out).toContain('Hello from inside a container!');
  } finally {
    rmSync(config, {recursive: true, force: true});
  }
});
