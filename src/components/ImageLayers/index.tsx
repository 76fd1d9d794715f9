/**
 * "The image you just built": shown under a block after its build. The image's layers from the
 * base image up, the Dockerfile line that made each, its size as a bar, and whether this build ran
 * the step or took it from the cache. Loaded lazily (React.lazy in RunnableBlock): only a page
 * where the reader built something fetches it.
 */
import type {ReactNode} from 'react';
import clsx from 'clsx';
import type {BuiltImageView, LayerView, StepState} from '@site/src/protocol/views';
import {formatSize} from '@site/src/protocol/readers';
import styles from './styles.module.css';

const LABEL: Record<StepState, string> = {
  cached: 'cached',
  rebuilt: 'rebuilt',
  config: 'metadata',
  base: 'base image',
};

const EXPLAIN: Record<StepState, string> = {
  cached: 'taken from the build cache: this build did not run it',
  rebuilt: 'this build ran the step',
  config: 'only sets metadata (no files): nothing to run',
  base: 'came with the FROM image',
};

function lineOf(layer: LayerView): string {
  if (!layer.lines) return 'FROM';
  const {start, end} = layer.lines;
  return start === end ? `line ${start}` : `lines ${start}–${end}`;
}

export default function ImageLayers({image}: {image: BuiltImageView}): ReactNode {
  const max = Math.max(1, ...image.layers.map((l) => l.size));
  const counts = image.marks.reduce<Record<string, number>>((a, m) => ({...a, [m.state]: (a[m.state] ?? 0) + 1}), {});
  return (
    <section className={styles.root} data-testid="image-layers" aria-label="The image you just built">
      <header className={styles.header}>
        <strong>The image you just built</strong>{' '}
        <code title={image.imageId}>{image.imageId.replace(/^sha256:/, '').slice(0, 12)}</code>
        {image.tags.map((t) => (
          <code key={t} className={styles.tag}>
            {t}
          </code>
        ))}
        <span className={styles.total}>{formatSize(image.size)}</span>
      </header>
      {image.marks.length > 0 && (
        <p className={styles.summary} data-testid="image-layers-summary">
          This build ran {counts.rebuilt ?? 0} step{counts.rebuilt === 1 ? '' : 's'} and took {counts.cached ?? 0} from the cache.
        </p>
      )}
      <ol className={styles.layers} aria-label="Layers, from the base image up">
        {image.layers.map((layer, i) => (
          <li
            key={i}
            className={clsx(styles.layer, styles[`origin_${layer.origin}`])}
            data-testid="image-layer"
            data-origin={layer.origin}
            data-line={layer.lines?.start}>
            <span className={styles.where}>{lineOf(layer)}</span>
            <code className={styles.cmd} title={layer.createdBy}>
              {layer.createdBy}
            </code>
            <span className={styles.barWrap} aria-hidden="true">
              <span className={styles.bar} style={{width: `${layer.size > 0 ? Math.max(2, (layer.size / max) * 100) : 0}%`}} />
            </span>
            <span className={styles.size}>{formatSize(layer.size)}</span>
            <span className={clsx(styles.badge, styles[`badge_${layer.origin}`])} title={EXPLAIN[layer.origin]}>
              {LABEL[layer.origin]}
              <span className="lab-visually-hidden">: {EXPLAIN[layer.origin]}</span>
            </span>
          </li>
        ))}
      </ol>
    </section>
  );
}
