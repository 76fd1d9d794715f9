/**
 * Adds <RunnableBlock> to the MDX scope of every page (the remark plugin
 * `src/remark/runnable-blocks.ts` emits it). Spreading the original keeps the
 * theme's components; this is the documented pattern for MDXComponents.
 */
import MDXComponents from '@theme-original/MDXComponents';
import RunnableBlock from '@site/src/components/RunnableBlock';

export default {
  ...MDXComponents,
  RunnableBlock,
};
