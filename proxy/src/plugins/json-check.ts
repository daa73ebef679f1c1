// Is this upstream body well-formed JSON (RFC 8259) in UTF-8? The proxy forwards Flowroute's bytes unchanged and only
// needs a yes/no for `upstream_malformed`, so it checks the grammar on the bytes instead of building the whole
// document with JSON.parse and throwing it away. The grammar runs in WebAssembly (json-check.wat, assembled into
// json-check.wasm.gen.ts by `npm run gen:wasm`): strings are scanned 16 bytes at a time, ~3× as fast as the same
// grammar in JavaScript and ~8× as fast as JSON.parse on a 50 KB page of numbers (docs/performance.md, change 35).
// Same answers as `JSON.parse(buf.toString('utf8'))` succeeding, except that it is stricter in two ways: invalid UTF-8
// is refused (JSON.parse would see U+FFFD replacement characters and accept them), and nesting deeper than MAX_DEPTH is
// refused (Flowroute's documents are a few levels deep). Checked against JSON.parse by json-check.test.ts (fast-check).
import { isUtf8 } from 'node:buffer';
import { JSON_CHECK_WASM_BASE64 } from './json-check.wasm.gen';

/** Deepest nesting accepted (the size of the WebAssembly module's container stack). */
export const MAX_DEPTH = 512;
/** Where the module expects its input, and the zero bytes it needs after it. */
const INPUT_AT = 1024;
const PADDING = 16;
const PAGE = 65_536;

interface CheckModule {
  memory: WebAssembly.Memory;
  check: (length: number) => number;
}

function instantiate(): CheckModule {
  const module = new WebAssembly.Module(Buffer.from(JSON_CHECK_WASM_BASE64, 'base64'));
  return new WebAssembly.Instance(module, {}).exports as unknown as CheckModule;
}

/** Compiled once, when the first body is checked. */
let wasm: CheckModule | null = null;
let bytes = new Uint8Array(0);

/**
 * The grammar only (bytes ≥ 0x80 are accepted inside strings; isJsonBytes checks UTF-8). Copies `b` into the module's
 * memory, which grows to the largest body seen (bounded by UPSTREAM_BODY_LIMIT) and stays that size.
 */
export function isJsonGrammar(b: Uint8Array): boolean {
  wasm ??= instantiate();
  const end = INPUT_AT + b.length;
  const memory = wasm.memory;
  if (end + PADDING > memory.buffer.byteLength)
    memory.grow(Math.ceil((end + PADDING - memory.buffer.byteLength) / PAGE));
  if (bytes.buffer !== memory.buffer) bytes = new Uint8Array(memory.buffer);
  bytes.set(b, INPUT_AT);
  bytes.fill(0, end, end + PADDING);
  return wasm.check(b.length) === 1;
}

/** True when `b` is exactly one JSON value (with optional whitespace around it), in valid UTF-8. */
export function isJsonBytes(b: Uint8Array): boolean {
  return isUtf8(b) && isJsonGrammar(b);
}
