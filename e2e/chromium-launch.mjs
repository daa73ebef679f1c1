// Debian's Chromium (CHROMIUM_PATH to use another) and the flags every browser run on this project uses: a
// headless box with no network beyond loopback. Plain JavaScript so both Playwright configs (through
// e2e/chromium.ts) and the benchmarks (bench/browser.mjs, Node without a TypeScript loader) share one copy.
export const CHROMIUM_LAUNCH_OPTIONS = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
  ],
};
