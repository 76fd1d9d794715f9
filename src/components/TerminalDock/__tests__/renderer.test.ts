import {describe, expect, it} from 'vitest';
import {isSoftwareGl, useWebgl} from '../renderer';

describe('the dock renderer choice', () => {
  it('takes WebGL only with WebGL 2, at ratio 1, on a GPU', () => {
    expect(useWebgl(1, true, false)).toBe(true);
    expect(useWebgl(2, true, false)).toBe(false);
    expect(useWebgl(1, false, false)).toBe(false);
    expect(useWebgl(1, true, true)).toBe(false);
  });

  it('recognises software GL by its renderer name', () => {
    // Headless Chromium with --disable-gpu, and Mesa without a GPU.
    expect(isSoftwareGl('ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)')).toBe(true);
    expect(isSoftwareGl('llvmpipe (LLVM 15.0.6, 256 bits)')).toBe(true);
    expect(isSoftwareGl('ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 Direct3D11 vs_5_0 ps_5_0, D3D11)')).toBe(false);
    expect(isSoftwareGl('Apple M2')).toBe(false);
  });
});
