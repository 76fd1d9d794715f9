/**
 * How long a Dockerfile word becomes once the builder substitutes its
 * variables, computed on lengths only (nothing is expanded, so a nested
 * ENV a1=$a0$a0… costs nothing here). An upper bound of what BuildKit's
 * shell lexer does: quotes are not honoured (a quoted `$a` counts as
 * expanded), and `${a:-w}` counts the longer of the two.
 */
export function expandedLength(word: string, lengthOf: (name: string) => number, escape = '\\', depth = 0): number {
  // Deeper nesting than any real Dockerfile uses counts as endless (and keeps this linear).
  if (depth > MAX_NESTING) return Infinity;
  let total = 0;
  let i = 0;
  const n = word.length;
  while (i < n) {
    const ch = word[i]!;
    if (ch === escape && i + 1 < n) {
      total += 1;
      i += 2;
      continue;
    }
    if (ch !== '$') {
      total += 1;
      i += 1;
      continue;
    }
    const next = word[i + 1];
    if (next === '{') {
      const end = closingBrace(word, i + 2);
      if (end < 0) {
        total += n - i; // unterminated: the lexer fails; count it as text
        break;
      }
      const inner = word.slice(i + 2, end);
      const name = /^[A-Za-z0-9_]*/.exec(inner)![0];
      const rest = inner.slice(name.length);
      const value = name ? lengthOf(name) : 0;
      const modifier = /^(:?[-+?])/.exec(rest);
      if (modifier) total += Math.max(value, expandedLength(rest.slice(modifier[1]!.length), lengthOf, escape, depth + 1));
      else total += value + (rest ? expandedLength(rest, lengthOf, escape, depth + 1) : 0);
      i = end + 1;
      continue;
    }
    NAME.lastIndex = i + 1;
    const name = NAME.exec(word);
    if (name) {
      total += lengthOf(name[0]);
      i += 1 + name[0].length;
      continue;
    }
    total += 1;
    i += 1;
  }
  return total;
}

const MAX_NESTING = 8;
const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;

function closingBrace(s: string, from: number): number {
  let depth = 1;
  for (let j = from; j < s.length; j++) {
    if (s[j] === '{') depth++;
    else if (s[j] === '}' && --depth === 0) return j;
  }
  return -1;
}
