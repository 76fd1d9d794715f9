/**
 * A container's output bytes as terminal text, in order: raw UTF-8 from a
 * TTY, or the engine's multiplexed stdout/stderr with line ends made CRLF.
 * Used by `docker run` (live) and `docker logs`.
 */
import {StringDecoder} from 'node:string_decoder';
import {Demuxer} from './demux';
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
  const emit = (text: string) => {
    if (text) show(tty ? text : crlf(text));
  };
  return {
    push(chunk) {
      if (demux) for (const part of demux.push(chunk)) emit((part.kind === 'stderr' ? err : out).write(part.data));
      else emit(out.write(chunk));
    },
    end() {
      emit(out.end());
      emit(err.end());
    },
  };
}
