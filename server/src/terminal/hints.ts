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
