/** Which xterm.js renderer the dock uses (pure: no DOM, unit-tested). */

/**
 * WebGL only at a device pixel ratio of 1: at 2 or 3 (phones, HiDPI screens) xterm's WebGL
 * renderer draws the glyphs 2-3x too large and clips them (xterm.js issue 4728), while the
 * DOM renderer is right at every ratio. And only on a real GPU: on a software GL (SwiftShader,
 * llvmpipe: machines without a GPU, headless Chromium) WebGL costs more CPU than the DOM renderer
 * (docs/performance.mdx: a 20 MB build's output took 16.9 CPU seconds with it, 12.2 without).
 */
export function useWebgl(devicePixelRatio: number, webgl2: boolean, softwareGl = false): boolean {
  return webgl2 && devicePixelRatio === 1 && !softwareGl;
}

/** Whether a WebGL renderer name is a CPU rasteriser rather than a GPU. */
export function isSoftwareGl(rendererName: string): boolean {
  return /swiftshader|llvmpipe|softpipe|software/i.test(rendererName);
}
