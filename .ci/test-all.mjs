// `npm test`: every check and suite in one run — generated-types drift, lint, format, typecheck, unit and proxy
// tests (Vitest), the production build, and the browser tests (Playwright in Debian's Chromium). Prints one
// closing line "N passed, N failed" summing all suites (static checks count one each).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

// Absolute: Playwright resolves a relative JSON output path against the config file's folder.
const OUT = resolve('.ci/out');
rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
const results = [];
const notes = [];

function run(cmd, env = {}) {
  console.log(`\n▶ ${cmd}`);
  const r = spawnSync(cmd, { shell: true, stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status === 0;
}
function check(name, cmd) {
  const ok = run(cmd);
  results.push({ name, passed: ok ? 1 : 0, failed: ok ? 0 : 1, skipped: 0 });
  return ok;
}
function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}

if (!process.env.TEST_DATABASE_URL) {
  notes.push(
    'PostgreSQL tests did NOT run: TEST_DATABASE_URL is not set (e.g. postgres://postgres@127.0.0.1:5432/test; .ci/run sets it).',
  );
  console.log(`\n⚠ ${notes.at(-1)}`);
}

check('generated files up to date (contract types, JSON check WebAssembly)', 'npm run -s gen:check');
check('eslint', 'npx eslint .');
check('prettier', 'npx prettier --check .');
check('typecheck', 'npx tsc --noEmit');

run(`npx vitest run --reporter=default --reporter=json --outputFile=${OUT}/vitest.json`);
const vitest = readJson(`${OUT}/vitest.json`);
results.push(
  vitest
    ? {
        name: 'vitest (web + proxy)',
        passed: vitest.numPassedTests,
        failed:
          vitest.numFailedTests + (vitest.numFailedTestSuites > 0 && vitest.numFailedTests === 0 ? 1 : 0),
        skipped: vitest.numPendingTests + vitest.numTodoTests,
      }
    : { name: 'vitest (web + proxy)', passed: 0, failed: 1, skipped: 0 },
);

const built = check('production build', 'npm run -s build');

let chromium = existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium');
if (!chromium && process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
  console.log("\nChromium is missing: installing Debian's chromium package (apt-get install -y chromium)");
  chromium = run('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium');
}
if (!chromium) {
  notes.push("Browser tests did NOT run: install Debian's Chromium with `sudo apt-get install -y chromium`.");
  results.push({ name: 'playwright (chromium)', passed: 0, failed: 1, skipped: 0 });
} else if (!built) {
  notes.push('Browser tests did NOT run: the production build failed.');
  results.push({ name: 'playwright (chromium)', passed: 0, failed: 1, skipped: 0 });
} else {
  run('npx playwright test --reporter=list,json', { PLAYWRIGHT_JSON_OUTPUT_NAME: `${OUT}/playwright.json` });
  const pw = readJson(`${OUT}/playwright.json`);
  const s = pw?.stats;
  results.push(
    s
      ? {
          name: 'playwright (chromium)',
          passed: s.expected + s.flaky,
          failed: s.unexpected + (pw.errors?.length ? 1 : 0),
          skipped: s.skipped,
        }
      : { name: 'playwright (chromium)', passed: 0, failed: 1, skipped: 0 },
  );
}

// The deploy suite: the production build behind Debian's nginx in both topologies (e2e/deploy).
const nginx = existsSync(process.env.NGINX_PATH ?? '/usr/sbin/nginx');
if (!chromium || !built || !nginx) {
  if (!nginx)
    notes.push("Deploy tests did NOT run: install Debian's nginx with `sudo apt-get install -y nginx`.");
  results.push({ name: 'playwright deploy (nginx)', passed: 0, failed: 1, skipped: 0 });
} else {
  run('npx playwright test -c e2e/deploy/playwright.deploy.config.ts --reporter=list,json', {
    PLAYWRIGHT_JSON_OUTPUT_NAME: `${OUT}/playwright-deploy.json`,
  });
  const pwd = readJson(`${OUT}/playwright-deploy.json`);
  const sd = pwd?.stats;
  results.push(
    sd
      ? {
          name: 'playwright deploy (nginx)',
          passed: sd.expected + sd.flaky,
          failed: sd.unexpected + (pwd.errors?.length ? 1 : 0),
          skipped: sd.skipped,
        }
      : { name: 'playwright deploy (nginx)', passed: 0, failed: 1, skipped: 0 },
  );
}

const total = results.reduce(
  (t, r) => ({ passed: t.passed + r.passed, failed: t.failed + r.failed, skipped: t.skipped + r.skipped }),
  { passed: 0, failed: 0, skipped: 0 },
);
console.log('\nSuite results');
for (const r of results) {
  console.log(
    `  ${r.failed ? '✗' : '✓'} ${r.name.padEnd(28)} ${r.passed} passed, ${r.failed} failed${r.skipped ? `, ${r.skipped} skipped` : ''}`,
  );
}
for (const n of notes) console.log(`  ⚠ ${n}`);
const line = `${total.passed} passed, ${total.failed} failed`;
writeFileSync(`${OUT}/summary.txt`, `${line}\n`);
console.log(line);
process.exit(total.failed > 0 ? 1 : 0);
