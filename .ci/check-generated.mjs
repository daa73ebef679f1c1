// Fails (exit 1) when proxy/flowroute/api-types.gen.ts is stale: regenerates it from openapi.yaml into a
// temp file with the same openapi-typescript command as `npm run gen:api` and compares byte for byte.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const spec = 'proxy/flowroute/openapi.yaml';
const committed = 'proxy/flowroute/api-types.gen.ts';
const bin = join(
  root,
  'node_modules',
  '.bin',
  process.platform === 'win32' ? 'openapi-typescript.cmd' : 'openapi-typescript',
);

const dir = mkdtempSync(join(tmpdir(), 'check-generated-'));
const fresh = join(dir, 'api-types.gen.ts');
let code = 0;
try {
  execFileSync(bin, [spec, '-o', fresh], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  const want = readFileSync(fresh, 'utf8');
  const committedPath = join(root, committed);
  if (!existsSync(committedPath)) {
    console.error(`check-generated: ${committed} is missing. Run \`npm run gen:api\` and commit it.`);
    code = 1;
  } else {
    const have = readFileSync(committedPath, 'utf8');
    if (have !== want) {
      const a = have.split('\n');
      const b = want.split('\n');
      let line = 0;
      while (line < Math.max(a.length, b.length) && a[line] === b[line]) line++;
      console.error(
        `check-generated: ${committed} is out of date with ${spec} (first difference at line ${line + 1}).\n` +
          `  committed: ${JSON.stringify(a[line] ?? '<end of file>')}\n` +
          `  expected:  ${JSON.stringify(b[line] ?? '<end of file>')}\n` +
          'Run `npm run gen:api` and commit the result (never edit the generated file by hand).',
      );
      code = 1;
    } else {
      console.log(`check-generated: ${relative(root, committedPath)} is up to date.`);
    }
  }
} catch (err) {
  const stderr = err && typeof err === 'object' && 'stderr' in err ? String(err.stderr) : String(err);
  console.error(`check-generated: could not regenerate types from ${spec}:\n${stderr}`);
  code = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exit(code);
