import {DEFAULT_DOCKER_HOST} from './connection';

/** One engine of the pool as LAB_ENGINES names it. */
export interface EngineSpec {
  /** Short name, for logs, the admin API and the messages readers see. */
  name: string;
  /** DOCKER_HOST syntax: `unix:///path` or `tcp://host:port`. */
  address: string;
  /**
   * Folder of this engine's TLS client files (ca.pem, cert.pem, key.pem): the engine is spoken to over
   * verified TLS. Without it a tcp:// engine follows DOCKER_TLS_VERIFY / DOCKER_CERT_PATH as the docker CLI.
   */
  certDir?: string;
}

const NAME = /^[a-z0-9][a-z0-9._-]{0,31}$/;

/**
 * The engines of the lab. `LAB_ENGINES` lists them, separated by commas or white space, each
 * `[name=]address`, where address is `unix:///path/docker.sock` or `tcp://host:port`, optionally
 * with `?certs=/folder` (TLS client certificates of that engine). Unnamed engines are called
 * engine-1, engine-2, … by position. Without LAB_ENGINES the lab has one engine, DOCKER_HOST (or the
 * default socket), called `default`: the zero-setting case.
 * Throws an Error whose message names the bad entry.
 */
export function parseEngineList(raw: string | undefined, dockerHost: string | undefined): EngineSpec[] {
  const entries = (raw ?? '').split(/[\s,]+/).filter(Boolean);
  if (entries.length === 0) return [{name: 'default', address: dockerHost || DEFAULT_DOCKER_HOST}];
  const specs: EngineSpec[] = [];
  entries.forEach((entry, i) => {
    const m = /^([^=:/]+)=(.*)$/.exec(entry);
    const name = m ? m[1]! : `engine-${i + 1}`;
    let address = m ? m[2]! : entry;
    if (!NAME.test(name)) {
      throw new Error(`LAB_ENGINES: "${name}" is not an engine name (lowercase letters, digits, . _ -; at most 32)`);
    }
    let certDir: string | undefined;
    if (address.startsWith('tcp://')) {
      let url: URL;
      try {
        url = new URL(address.replace(/^tcp:/, 'http:'));
      } catch {
        throw new Error(`LAB_ENGINES: "${entry}" is not a tcp://host:port address`);
      }
      for (const key of url.searchParams.keys()) {
        if (key !== 'certs') throw new Error(`LAB_ENGINES: "${entry}": unknown option "${key}" (only certs=/folder)`);
      }
      certDir = url.searchParams.get('certs') || undefined;
      if (url.pathname !== '/' || url.username || url.password || !url.hostname) {
        throw new Error(`LAB_ENGINES: "${entry}" is not a tcp://host:port address`);
      }
      address = `tcp://${url.host}`;
    } else if (!/^unix:\/\/\/.+/.test(address)) {
      throw new Error(`LAB_ENGINES: "${entry}": an engine is unix:///path or tcp://host:port`);
    }
    if (specs.some((s) => s.name === name)) throw new Error(`LAB_ENGINES: the name "${name}" is used twice`);
    if (specs.some((s) => s.address === address)) throw new Error(`LAB_ENGINES: ${address} is listed twice`);
    specs.push({name, address, ...(certDir ? {certDir} : {})});
  });
  return specs;
}

/** The environment an engine's connection reads its TLS settings from: its own ?certs= folder, else the lab's. */
export function engineEnv(spec: EngineSpec, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return spec.certDir ? {...env, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: spec.certDir} : env;
}
