import {describe, expect, it} from 'vitest';
import {errorLine} from '../../src/terminal/style';

describe('errorLine', () => {
  it('colours the error red and leaves the help lines after it in the normal colour', () => {
    const out = errorLine(`"docker build" requires exactly 1 argument.\nSee 'docker build --help'.\n\nUsage:  docker buildx build [OPTIONS] PATH`);
    expect(out).toBe(
      `\x1b[31m"docker build" requires exactly 1 argument.\x1b[0m\r\nSee 'docker build --help'.\r\n\r\nUsage:  docker buildx build [OPTIONS] PATH\r\n`,
    );
  });
  it('colours a one-line error whole, after any leading line break', () => {
    expect(errorLine('no such image')).toBe('\x1b[31mno such image\x1b[0m\r\n');
    expect(errorLine('\r\noutput stopped')).toBe('\r\n\x1b[31moutput stopped\x1b[0m\r\n');
  });
});
