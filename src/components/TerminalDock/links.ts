/**
 * Terms in the terminal's output as links (xterm's link provider API): the
 * matches of ./terms.ts on each line, wrapped rows joined first (the lab's
 * refusals are long and wrap), opened in a new tab so the terminal keeps its
 * place. Hovering shows what the link opens as the terminal's tooltip.
 */
import type {IBufferCellPosition, IDisposable, ILink, Terminal} from '@xterm/xterm';
import {findTerms} from './terms';

export function registerTermLinks(term: Terminal, open: (href: string) => void = openInNewTab): IDisposable {
  return term.registerLinkProvider({
    provideLinks(y, callback) {
      callback(linksOnLine(term, y, open));
    },
  });
}

function openInNewTab(href: string): void {
  window.open(new URL(href, window.location.origin).href, '_blank', 'noopener');
}

/** The links touching buffer row `y` (1-based), found on the whole wrapped line it belongs to. */
function linksOnLine(term: Terminal, y: number, open: (href: string) => void): ILink[] | undefined {
  const buf = term.buffer.active;
  let first = y - 1;
  while (first > 0 && buf.getLine(first)?.isWrapped) first--;
  let last = y - 1;
  while (last + 1 < buf.length && buf.getLine(last + 1)?.isWrapped) last++;
  // Each row's text and where it starts in the joined line (a wide character takes two cells, one char).
  const rows: Array<{row: number; start: number; cells: number[]}> = [];
  let text = '';
  for (let r = first; r <= last; r++) {
    const line = buf.getLine(r);
    if (!line) continue;
    const cells: number[] = [];
    for (let x = 0; x < line.length; x++) {
      const chars = line.getCell(x)?.getChars() ?? '';
      if (line.getCell(x)?.getWidth() === 0) continue; // the right half of a wide character
      cells.push(x);
      text += chars || ' ';
      if (chars.length > 1) for (let k = 1; k < chars.length; k++) cells.push(x); // surrogate pairs
    }
    rows.push({row: r, start: text.length - cells.length, cells});
  }
  const at = (offset: number): IBufferCellPosition | null => {
    for (const r of rows) {
      const i = offset - r.start;
      if (i >= 0 && i < r.cells.length) return {x: r.cells[i]! + 1, y: r.row + 1};
    }
    return null;
  };
  const links: ILink[] = [];
  for (const m of findTerms(text)) {
    const start = at(m.start);
    const end = at(m.end - 1);
    if (!start || !end || end.y < y || start.y > y) continue;
    links.push({
      range: {start, end},
      text: m.text,
      decorations: {underline: true, pointerCursor: true},
      activate: () => open(m.href),
      hover: () => term.element?.setAttribute('title', `${m.title}: ${m.href}`),
      leave: () => term.element?.removeAttribute('title'),
    });
  }
  return links.length ? links : undefined;
}
