import {describe, expect, it} from 'vitest';
import {dockerfileMessages} from '../../../protocol/dockerfile-rules';
import {dockerfileDiagnostics} from '../diagnostics';

const said = (text: string) => dockerfileDiagnostics(text).map((d) => [text.slice(d.from, d.to), d.severity, d.message]);

describe('dockerfileDiagnostics', () => {
  it('says nothing about the lessons\' kind of Dockerfile', () => {
    expect(said('FROM debian:bookworm-slim AS build\nRUN echo hi\nFROM busybox\nCOPY --from=build /a /b\nFROM build\n')).toEqual([]);
  });
  it('marks an unknown instruction and a secret on their lines, in the shared words', () => {
    expect(said('FROM busybox\nFORM x\nENV PASSWORD=hunter2\n')).toEqual([
      ['FORM x', 'error', dockerfileMessages.unknownInstruction('FORM')],
      ['ENV PASSWORD=hunter2', 'error', dockerfileMessages.secret('ENV', 'PASSWORD')],
    ]);
  });
  it('marks a missing FROM once, in the builder\'s words (not the validator\'s)', () => {
    expect(said('RUN echo hi\n')).toEqual([['RUN echo hi', 'error', dockerfileMessages.noBuildStage()]]);
  });
  it('marks an official image that is not a lab base image, in the words of the server\'s refusal', () => {
    expect(said('FROM python:3.12\nFROM scratch\nFROM me/app\n')).toEqual([
      ['python:3.12', 'error', dockerfileMessages.notAllowed('FROM', 'python:3.12')],
    ]);
  });
  it('keeps the validator\'s other findings', () => {
    expect(said('FROM busybox\nWORKDIR app\n')).toEqual([['app', 'warning', 'WORKDIR paths should be absolute']]);
  });
});
