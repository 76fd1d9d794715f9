/**
 * What the lab makes of an engine's version: refuse Engine APIs it cannot
 * speak, warn about engines whose BuildKit is unpatched. Pure, so that the
 * connection, the start-up log and the tests share one answer.
 */

/** Lowest Engine API version the lab speaks (Docker 20.10). */
export const MIN_API_VERSION = '1.41';

/**
 * First engine release whose BuildKit is patched for CVE-2024-23652 (a Dockerfile could delete
 * files on the engine's host) and passes loud steps' logs whole: Docker 25.
 */
export const PATCHED_ENGINE_MAJOR = 25;

export interface EngineVersion {
  /** Engine release, e.g. `26.1.5+dfsg1`. */
  Version: string;
  /** Highest Engine API version it speaks, e.g. `1.45`. */
  ApiVersion: string;
}

export type EngineAssessment =
  | {verdict: 'ok'; message: string}
  | {verdict: 'warn'; message: string}
  | {verdict: 'refuse'; message: string};

/** Compare dotted versions numerically (`1.9` < `1.41`); missing or odd parts count as 0. */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string) => v.split('.').map((p) => Number.parseInt(p, 10) || 0);
  const pa = parts(a);
  const pb = parts(b);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d) return d;
  }
  return 0;
}

/** The engine's major release number (`26` of `26.1.5+dfsg1`), or null when it is not a number (`dev`). */
export function engineMajor(version: string): number | null {
  const m = /^v?(\d+)\./.exec(version.trim());
  return m ? Number(m[1]) : null;
}

export function assessEngine(v: EngineVersion): EngineAssessment {
  if (!/^\d+\.\d+$/.test(v.ApiVersion) || compareVersions(v.ApiVersion, MIN_API_VERSION) < 0) {
    return {
      verdict: 'refuse',
      message:
        `the Docker Engine at this address speaks Engine API ${v.ApiVersion || 'unknown'} (Docker ${v.Version || 'unknown'}); ` +
        `Docker Lab needs API ${MIN_API_VERSION} or newer (Docker 20.10 or newer, 25 or newer recommended): ` +
        'upgrade the engine or point DOCKER_HOST at another one',
    };
  }
  const major = engineMajor(v.Version);
  if (major !== null && major < PATCHED_ENGINE_MAJOR) {
    return {
      verdict: 'warn',
      message:
        `Docker ${v.Version} is older than ${PATCHED_ENGINE_MAJOR}: its BuildKit is unpatched for CVE-2024-23652 ` +
        '(a Dockerfile can delete files on the engine\'s host) and may drop lines of loud build steps. ' +
        `Run Docker ${PATCHED_ENGINE_MAJOR} or newer (scripts/lab-engine.sh starts 26.1)`,
    };
  }
  return {verdict: 'ok', message: `Docker Engine ${v.Version} (API ${v.ApiVersion})`};
}
