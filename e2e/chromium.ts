/**
 * Debian's Chromium, as the browser tests and the benchmarks launch it: Playwright cannot
 * download browsers here. Without the background-networking flags Chromium keeps trying hosts
 * this closed network refuses.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
