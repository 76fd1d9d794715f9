/**
 * Requests to the lab registry's HTTP API with a bearer token: the lab's own
 * calls (registry-client.ts) and those it makes with a reader's rights
 * (views/registry-view.ts).
 */
import {httpRequest, type PlainResponse} from './http-request';

/** Every manifest type a push from Docker 20.10 to 28 can leave (images and indexes, Docker and OCI). */
export const MANIFEST_TYPES = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
].join(', ');

/** `http://host:port` of the registry as readers name it (it listens on 127.0.0.1; "localhost" may resolve to ::1 first). */
export function registryApiBase(registry: string): string {
  return `http://${registry.replace(/^localhost(?=:|$)/, '127.0.0.1')}`;
}

export function registryRequest(
  base: string,
  token: string,
  pathname: string,
  init: {method?: string; accept?: string; maxBytes?: number} = {},
): Promise<PlainResponse> {
  return httpRequest(`${base}${pathname}`, {
    method: init.method,
    headers: {authorization: `Bearer ${token}`, ...(init.accept ? {accept: init.accept} : {})},
    ...(init.maxBytes !== undefined ? {maxBytes: init.maxBytes} : {}),
  });
}
