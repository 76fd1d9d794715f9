/**
 * Sidebar links of the lessons carry the reader's progress: a mark after the
 * lesson's name when all its milestones are done (✓) or some are (◐). A wrapper
 * of the theme's item (swizzle --wrap): the item's className goes on its list item,
 * the extra props reach its link element.
 */
import type {ReactNode} from 'react';
import Link from '@theme-original/DocSidebarItem/Link';
import type LinkType from '@theme/DocSidebarItem/Link';
import type {WrapperProps} from '@docusaurus/types';
import {useReaderProgress} from '@site/src/client/progress';
import {lessonMark, MILESTONES} from '@site/src/protocol/progress';
import styles from './styles.module.css';

type Props = WrapperProps<typeof LinkType>;

export default function LinkWrapper(props: Props): ReactNode {
  const mine = useReaderProgress();
  const docId = props.item.docId;
  const mark = mine && docId ? lessonMark(mine.progress, docId) : 'none';
  if (mark === 'none' || mark === 'todo') return <Link {...props} />;
  const ms = MILESTONES.filter((m) => m.lesson === docId && !m.optional);
  const n = ms.filter((m) => mine!.progress.done[m.id]).length;
  return (
    <Link
      {...props}
      item={{...props.item, className: [props.item.className, mark === 'done' ? styles.done : styles.partial].filter(Boolean).join(' ')}}
      data-progress={mark}
      title={`Your progress in this lesson: ${n} of ${ms.length} steps done`}
    />
  );
}
