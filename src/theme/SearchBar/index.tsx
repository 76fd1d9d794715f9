/**
 * The local search bar (@easyops-cn/docusaurus-search-local), wrapped: when
 * the reader Tabs through the search box, the theme starts loading its index
 * and focuses the box again once the index arrives, pulling the reader back
 * from wherever they had tabbed to. Once the reader has left the box, a focus
 * that no key or pointer caused (none in the last moment) is sent back to
 * where it came from.
 */
import {useEffect, useRef, type ReactNode} from 'react';
import SearchBar from '@theme-original/SearchBar';
import type SearchBarType from '@theme/SearchBar';
import type {WrapperProps} from '@docusaurus/types';

type Props = WrapperProps<typeof SearchBarType>;

/** A focus this long after the last key or pointer press was not the reader's doing. */
const USER_FOCUS_WINDOW_MS = 300;

export default function SearchBarWrapper(props: Props): ReactNode {
  const hostRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const host = hostRef.current;
    if (!host) return undefined;
    let lastUserEvent = 0;
    // The reader moved the focus out of the search box themselves (Tab, a click elsewhere).
    // A focus loss nobody caused (the theme re-wrapping the box when its index loads) is not one.
    let readerLeft = false;
    const byReader = () => performance.now() - lastUserEvent < USER_FOCUS_WINDOW_MS;
    const onUser = () => {
      lastUserEvent = performance.now();
    };
    const onFocusOut = (e: FocusEvent) => {
      const to = e.relatedTarget;
      if (to instanceof Node && host.contains(to)) return;
      if (byReader()) readerLeft = true;
    };
    const onFocusIn = (e: FocusEvent) => {
      if (byReader()) {
        readerLeft = false;
        return;
      }
      if (!readerLeft) return;
      const input = e.target as HTMLElement;
      const from = e.relatedTarget;
      if (from instanceof HTMLElement && from.isConnected && !host.contains(from)) from.focus();
      else input.blur();
    };
    document.addEventListener('keydown', onUser, true);
    document.addEventListener('pointerdown', onUser, true);
    host.addEventListener('focusin', onFocusIn);
    host.addEventListener('focusout', onFocusOut);
    return () => {
      host.removeEventListener('focusout', onFocusOut);
      document.removeEventListener('keydown', onUser, true);
      document.removeEventListener('pointerdown', onUser, true);
      host.removeEventListener('focusin', onFocusIn);
    };
  }, []);
  return (
    <div ref={hostRef} style={{display: 'contents'}}>
      <SearchBar {...props} />
    </div>
  );
}
