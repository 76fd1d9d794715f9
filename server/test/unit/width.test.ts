/**
 * The server's display widths are the page's (issue 24 item 5): every code point, against the
 * unicode11 addon activated on a real xterm.js terminal's API as the page does it (headless here:
 * the addon needs only `terminal.unicode`).
 */
import {Unicode11Addon} from '@xterm/addon-unicode11';
import {describe, expect, it} from 'vitest';
import {LineEditor} from '../../src/terminal/line-editor';
import {charWidth, textWidth} from '../../src/terminal/width';

describe('display width', () => {
  it('equals the addon\'s for every code point', () => {
    const providers: Array<{wcwidth(cp: number): number}> = [];
    new Unicode11Addon().activate({unicode: {register: (p: {wcwidth(cp: number): number}) => providers.push(p)}} as never);
    const page = providers[0]!;
    const differ: string[] = [];
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      if (charWidth(cp) !== page.wcwidth(cp)) differ.push(cp.toString(16));
    }
    expect(differ).toEqual([]);
  });

  it('counts what the issue saw drawn: 🥲 is one column (Unicode 11), a CJK character two, a combining mark none', () => {
    expect(textWidth('🥲ab')).toBe(3);
    expect(textWidth('日本')).toBe(4);
    expect(textWidth('e\u0301')).toBe(1);
    expect(textWidth('\x1b[31mred\x1b[0m')).toBe(3);
  });

  it('moves the cursor back by the columns drawn: Ctrl-A after 🥲ab', () => {
    const editor = new LineEditor({cols: 80});
    editor.start('$ ');
    editor.feed('🥲ab');
    const moved = editor.feed('\x01').output;
    expect(moved).toContain('\x1b[3D');
  });
});
