/**
 * Adds <RunnableBlock> to the MDX scope of every page (the remark plugin
 * `src/remark/runnable-blocks.ts` emits it), and makes tables reachable by
 * keyboard: the theme lets a wide table scroll sideways, and a region that
 * scrolls must take the focus so that keyboard users can scroll it (WCAG
 * 2.1.1, axe's scrollable-region-focusable). Spreading the original keeps
 * the theme's components; this is the documented pattern for MDXComponents.
 */
import type {ComponentProps} from 'react';
import MDXComponents from '@theme-original/MDXComponents';
import RunnableBlock from '@site/src/components/RunnableBlock';

function Table(props: ComponentProps<'table'>) {
  return <table tabIndex={0} {...props} />;
}

export default {
  ...MDXComponents,
  RunnableBlock,
  table: Table,
};
