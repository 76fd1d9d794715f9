import {describe, expect, it} from 'vitest';
import {asksForInput} from '../../blocks';

describe('asksForInput', () => {
  it('is true for docker login, which prompts in the terminal', () => {
    expect(asksForInput('docker login localhost:5000')).toBe(true);
    expect(asksForInput('docker login')).toBe(true);
    expect(asksForInput('  docker  login -u ada')).toBe(true);
  });
  it('is false for commands that run to the end on their own', () => {
    expect(asksForInput('docker build -t hello .')).toBe(false);
    expect(asksForInput('docker logout')).toBe(false);
    expect(asksForInput('docker loginx')).toBe(false);
  });
});
