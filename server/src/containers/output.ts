/**
 * A container's output bytes as terminal text, in order: raw UTF-8 from a
 * TTY, or the engine's multiplexed stdout/stderr with line ends made CRLF.
 * Used by `docker run` (live) and `docker logs`. Terminal string sequences (OSC, DCS, ...: links,
 * titles, clipboard requests) are removed, as from a build's output (terminal/string-sequences.ts).
 */
import {StringDecoder} from 'node:string_decoder';
import {Demuxer} from './demux';
import {StringSequenceFilter} from '../terminal/string-sequences';
import {crlf} from '../terminal/style';

export interface ContainerOutput {
  push(chunk: Buffer): void;
  /** What a split UTF-8 character left behind. */
  end(): void;
}

export function containerOutput(tty: boolean, show: (text: string) => void): ContainerOutput {
  const out = new StringDecoder('utf8');
  const err = new StringDecoder('utf8');
  const demux = tty ? null : new Demuxer();
  const strings = new StringSequenceFilter();
  const emit = (text: string) => {
    const kept = strings.push(text);
    if (kept) show(tty ? kept : crlf(kept));
  };
  return {
    push(chunk) {
      if (demux) for (const part of demux.push(chunk)) emit((part.kind === 'stderr' ? err : out).write(part.data));
      else emit(out.write(chunk));
    },
    end() {
      emit(out.end());
      emit(err.end());
      const held = strings.flush();
      if (held) show(held);
    },
  };
}
