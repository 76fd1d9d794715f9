/**
 * Waiting on a protocol client's state: a probe, checked now and at every
 * notify() (each frame, and the socket's close), until it gives a value, the
 * socket closes, or the time runs out. Shared by the recorder's LabClient and
 * the integration tests' TestClient.
 */
import WebSocket from 'ws';

export class SocketWaiter {
  readonly #listeners = new Set<() => void>();

  /** `detail`: what an error adds after "waiting for …" (e.g. the terminal's last output). */
  constructor(
    private readonly ws: WebSocket,
    private readonly detail: () => string = () => '',
  ) {}

  /** Something arrived (or the socket closed): check every waiting probe. */
  notify(): void {
    for (const l of [...this.#listeners]) l();
  }

  until<T>(probe: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const v = probe();
        if (v !== undefined) {
          cleanup();
          resolve(v);
        } else if (this.ws.readyState === WebSocket.CLOSED) {
          cleanup();
          reject(new Error(`the connection closed while waiting for ${what}${this.detail()}`));
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}${this.detail()}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.#listeners.delete(check);
      };
      this.#listeners.add(check);
      check();
    });
  }
}
