/**
 * The reader's repositories on the lab registry, as a registry's web page shows them: tags, each
 * tag's digest (short, with copy), OS/ARCH, compressed size, when it was pushed, its layers and the
 * `docker pull` line. Read from GET /companion/registry, which asks the registry with the reader's
 * own rights. Refreshed after each `docker push` in the terminal.
 */
import {useCallback, useEffect, useRef, useState, type ReactNode} from 'react';
import {useLabSession} from '@site/src/client/react';
import {formatSize} from '@site/src/protocol/readers';
import {REGISTRY_VIEW_PATH, type RegistryTag, type RegistryViewReply} from '@site/src/protocol/views';
import styles from './styles.module.css';

type Load = {state: 'loading'} | {state: 'error'; message: string} | {state: 'ready'; reply: RegistryViewReply};

function shortDigest(d: string): string {
  return d.slice(0, 'sha256:'.length + 12);
}

function ago(iso: string | null): string {
  if (!iso) return 'unknown';
  const s = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
  if (s < 60) return 'less than a minute ago';
  if (s < 3600) return `${Math.round(s / 60)} minute${Math.round(s / 60) === 1 ? '' : 's'} ago`;
  if (s < 86400) return `${Math.round(s / 3600)} hour${Math.round(s / 3600) === 1 ? '' : 's'} ago`;
  return new Date(iso).toLocaleDateString();
}

function CopyButton({text, label}: {text: string; label: string}): ReactNode {
  const [done, setDone] = useState(false);
  return (
    <button
      type="button"
      className={`clean-btn ${styles.copy}`}
      data-testid="registry-copy"
      aria-label={`Copy ${label}`}
      title={`Copy ${label}`}
      onClick={() => {
        void navigator.clipboard?.writeText(text).then(() => {
          setDone(true);
          setTimeout(() => setDone(false), 1500);
        });
      }}>
      {done ? 'Copied' : 'Copy'}
    </button>
  );
}

function Tag({repo, tag}: {repo: string; tag: RegistryTag}): ReactNode {
  return (
    <li className={styles.tag} data-testid="registry-tag" data-tag={tag.tag}>
      <div className={styles.tagHead}>
        <code className={styles.tagName}>{tag.tag}</code>
        <span>
          <span className={styles.label}>Digest</span>{' '}
          <code data-testid="registry-digest" data-digest={tag.digest} title={tag.digest}>
            {shortDigest(tag.digest)}…
          </code>{' '}
          <CopyButton text={tag.digest} label={`the digest of ${repo}:${tag.tag}`} />
        </span>
        <span>
          <span className={styles.label}>OS/ARCH</span> {tag.platform}
        </span>
        <span>
          <span className={styles.label}>Compressed size</span> {formatSize(tag.compressedSize)}
        </span>
        <span title={tag.pushedAt ?? undefined}>
          <span className={styles.label}>Last pushed</span> {ago(tag.pushedAt)}
        </span>
      </div>
      <div className={styles.pull}>
        <code data-testid="registry-pull">{tag.pull}</code> <CopyButton text={tag.pull} label="the docker pull command" />
      </div>
      <details className={styles.layers}>
        <summary>
          {tag.layers.length} layer{tag.layers.length === 1 ? '' : 's'}
        </summary>
        <ol>
          {tag.layers.map((l) => (
            <li key={l.digest}>
              <code title={l.digest}>{shortDigest(l.digest)}</code> {formatSize(l.size)}
              {l.createdBy && <code className={styles.createdBy}> {l.createdBy}</code>}
            </li>
          ))}
        </ol>
      </details>
    </li>
  );
}

export default function RegistryView(): ReactNode {
  const [load, setLoad] = useState<Load>({state: 'loading'});
  const refresh = useCallback(async () => {
    try {
      const res = await fetch(REGISTRY_VIEW_PATH, {credentials: 'same-origin', cache: 'no-store'});
      const reply = (await res.json().catch(() => ({}))) as RegistryViewReply;
      if (res.status === 401) setLoad({state: 'error', message: 'Choose your lab name first (press a Run button above): your repositories live under it.'});
      else if (!res.ok) setLoad({state: 'error', message: reply.error ?? `The lab server answered ${res.status}.`});
      else setLoad({state: 'ready', reply});
    } catch {
      setLoad({state: 'error', message: 'The lab server is not reachable: the registry page needs it.'});
    }
  }, []);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  // After a push (or a new lab name) in the terminal, read the registry again.
  const {command, session} = useLabSession();
  const last = useRef<string | null>(null);
  useEffect(() => {
    const line = command?.line ?? null;
    if (line === null && last.current && /\bdocker\s+(push|logout|login)\b/.test(last.current)) void refresh();
    last.current = line;
  }, [command, refresh]);
  const readerName = session?.reader?.name;
  useEffect(() => {
    if (readerName) void refresh();
  }, [readerName, refresh]);

  const repos = load.state === 'ready' ? (load.reply.repositories ?? []) : [];
  return (
    <section className={styles.root} data-testid="registry-page" data-state={load.state} aria-label="Your images on the lab registry">
      <div className={styles.head}>
        <strong>Your images on the lab registry</strong>
        {load.state === 'ready' && load.reply.registry && <code>{load.reply.registry}</code>}
        <button type="button" className="button button--sm button--secondary" data-testid="registry-refresh" onClick={() => void refresh()}>
          Refresh
        </button>
      </div>
      {load.state === 'loading' && <p>Reading the registry…</p>}
      {load.state === 'error' && <p className={styles.note}>{load.message}</p>}
      {load.state === 'ready' && repos.length === 0 && (
        <p className={styles.note} data-testid="registry-empty">
          Nothing pushed yet. Push your image with the blocks above, and it appears here.
        </p>
      )}
      {repos.map((r) => (
        <div key={r.name} className={styles.repo} data-testid="registry-repo" data-repo={r.name}>
          <h4 className={styles.repoName}>
            {load.state === 'ready' ? `${load.reply.registry}/` : ''}
            {r.name}
          </h4>
          <ul className={styles.tags}>
            {r.tags.map((t) => (
              <Tag key={t.tag} repo={r.name} tag={t} />
            ))}
          </ul>
        </div>
      ))}
    </section>
  );
}
