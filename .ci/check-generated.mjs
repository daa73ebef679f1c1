// Fails (exit 1) when a generated file is stale: regenerates each one the way its npm script does and compares it
// byte for byte with the committed copy.
//   proxy/flowroute/api-types.gen.ts          from openapi.yaml (openapi-typescript, `npm run gen:api`)
//   proxy/src/plugins/json-check.wasm.gen.ts  from json-check.wat (wabt, `npm run gen:wasm`)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WASM_SOURCE, WASM_TARGET, wasmModuleText } from './build-wasm.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The OpenAPI types as `npm run gen:api` writes them (into a temp file, read back). */
function apiTypesText() {
  const bin = join(
    root,
    'node_modules',
    '.bin',
    process.platform === 'win32' ? 'openapi-typescript.cmd' : 'openapi-typescript',
  );
  const dir = mkdtempSync(join(tmpdir(), 'check-generated-'));
  try {
    const fresh = join(dir, 'api-types.gen.ts');
    execFileSync(bin, ['proxy/flowroute/openapi.yaml', '-o', fresh], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    return readFileSync(fresh, 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const FILES = [
  {
    committed: 'proxy/flowroute/api-types.gen.ts',
    source: 'proxy/flowroute/openapi.yaml',
    script: 'gen:api',
    generate: apiTypesText,
  },
  { committed: WASM_TARGET, source: WASM_SOURCE, script: 'gen:wasm', generate: wasmModuleText },
];

let code = 0;
for (const { committed, source, script, generate } of FILES) {
  let want;
  try {
    want = await generate();
  } catch (err) {
    const stderr = err && typeof err === 'object' && 'stderr' in err ? String(err.stderr) : String(err);
    console.error(`check-generated: could not regenerate ${committed} from ${source}:\n${stderr}`);
    code = 1;
    continue;
  }
  const committedPath = join(root, committed);
  if (!existsSync(committedPath)) {
    console.error(`check-generated: ${committed} is missing. Run \`npm run ${script}\` and commit it.`);
    code = 1;
    continue;
  }
  const have = readFileSync(committedPath, 'utf8');
  if (have === want) {
    console.log(`check-generated: ${committed} is up to date.`);
    continue;
  }
  const a = have.split('\n');
  const b = want.split('\n');
  let line = 0;
  while (line < Math.max(a.length, b.length) && a[line] === b[line]) line++;
  console.error(
    `check-generated: ${committed} is out of date with ${source} (first difference at line ${line + 1}).\n` +
      `  committed: ${JSON.stringify(a[line] ?? '<end of file>')}\n` +
      `  expected:  ${JSON.stringify(b[line] ?? '<end of file>')}\n` +
      `Run \`npm run ${script}\` and commit the result (never edit the generated file by hand).`,
  );
  code = 1;
}
process.exit(code);
