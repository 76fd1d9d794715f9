import {DOCKER_HUB_AUTH_SERVER, DOCKER_HUB_DOMAIN} from '../images/reference';
import {yellow} from './style';

const NETWORK_FAILURE = /lookup |dial tcp|no such host|i\/o timeout|network is unreachable|connection refused|TLS handshake timeout/i;

/**
 * When Docker Hub cannot be reached (as in an offline lab), say what to do
 * instead of leaving the reader with a DNS error.
 */
export function hubUnreachableHint(serverOrDomain: string, message: string, labRegistry: string): string {
  const hub = serverOrDomain === DOCKER_HUB_AUTH_SERVER || serverOrDomain === DOCKER_HUB_DOMAIN;
  if (!hub || !NETWORK_FAILURE.test(message)) return '';
  return yellow(
    "Docker Hub can't be reached from this lab's engine. Use the lab registry instead: " +
      `switch the page to "Lab registry", or prefix the image name with its address (${labRegistry}/).`,
  ) + '\r\n';
}

/** The reader's name on the lab registry, for hints (a placeholder when it is not known). */
function labName(readerName: string | undefined): string {
  return readerName ?? '<your lab name>';
}

/**
 * `docker push hello`: a bare name means Docker Hub's official `library/hello`,
 * which no reader can push to. Point at the name the lab registry expects.
 * `typed` is the name as typed (no "/"); `existsLocally`: whether the reader has
 * an image by that name to tag.
 */
export function bareNamePushHint(typed: string, labRegistry: string, readerName: string | undefined, existsLocally: boolean): string {
  const suggested = `${labRegistry}/${labName(readerName)}/${typed}`;
  const how = existsLocally ? ` Name your image so first: docker tag ${typed} ${suggested}` : '';
  return yellow(`Did you mean \`${suggested}\`? A name without a registry and user means Docker Hub's official images.${how}`) + '\r\n';
}

/** After `docker build` without -t: the image has only an ID, and only a named image can be pushed. */
export function unnamedImageTip(labRegistry: string, readerName: string | undefined, lesson: string): string {
  return (
    yellow(
      `Tip: this image has no name (no -t), so it cannot be pushed. Name it when you build: ` +
        `docker build -t ${labRegistry}/${labName(readerName)}/${lesson} . (or later with docker tag IMAGE_ID NAME)`,
    ) + '\r\n'
  );
}

const AUTH_FAILURE = /unauthorized|authentication required|incorrect username or password|denied|\b401\b/i;

/**
 * A refused login to the lab registry: the password is the reader's lab password, shown in the
 * dock. Empty for other registries and other errors (the registry unreachable, say).
 */
export function labLoginHint(message: string, readerName: string | undefined): string {
  if (!AUTH_FAILURE.test(message)) return '';
  const user = readerName ? ` (${readerName})` : '';
  return (
    yellow(
      `The lab registry's user name is your lab name${user} and its password is your lab password: ` +
        'press Show (or Copy) next to "Lab password" at the top of the terminal, then try docker login again.',
    ) + '\r\n'
  );
}
