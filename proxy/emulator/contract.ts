// Validates response bodies against proxy/flowroute/openapi.yaml (ajv), per operationId and status.
// Node-only test support: used by the emulator's tests and usable by the proxy's.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsImport from 'ajv-formats';
import { parse } from 'yaml';

type Json = Record<string, unknown>;

const SPEC_PATH = fileURLToPath(new URL('../flowroute/openapi.yaml', import.meta.url));
const SPEC_ID = 'https://contract.invalid/openapi.json';
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

export interface OperationInfo {
  operationId: string;
  method: string;
  path: string;
  responses: Record<string, Json>;
}

/** Deep copy with `additionalProperties: false` on every object schema that lists its properties. */
function closeObjects(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(closeObjects);
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node as Json)) {
    // Property names are data, not schemas: only recurse into their values.
    if (k === 'properties' && v && typeof v === 'object') {
      out[k] = Object.fromEntries(Object.entries(v as Json).map(([name, s]) => [name, closeObjects(s)]));
    } else {
      out[k] = closeObjects(v);
    }
  }
  if (out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

export class Contract {
  readonly spec: Json;
  readonly operations = new Map<string, OperationInfo>();
  private readonly ajv: Ajv;
  private readonly cache = new Map<string, ValidateFunction>();

  /** strict: objects may not carry properties the contract does not list. */
  constructor(options: { strict?: boolean } = {}) {
    this.spec = parse(readFileSync(SPEC_PATH, 'utf8')) as Json;
    const components = this.spec.components as Json;
    this.ajv = new Ajv({ strict: false, allErrors: true });
    const addFormats = addFormatsImport as unknown as (ajv: Ajv) => Ajv;
    addFormats(this.ajv);
    const schemas = options.strict ? closeObjects(components.schemas) : components.schemas;
    this.ajv.addSchema({ $id: SPEC_ID, components: { schemas } });
    for (const [path, item] of Object.entries(this.spec.paths as Record<string, Json>)) {
      for (const method of METHODS) {
        const op = item[method] as Json | undefined;
        if (!op) continue;
        this.operations.set(op.operationId as string, {
          operationId: op.operationId as string,
          method: method.toUpperCase(),
          path,
          responses: op.responses as Record<string, Json>,
        });
      }
    }
  }

  /** The declared response for a status (or `default`), with component $refs resolved. */
  response(operationId: string, status: number): Json | undefined {
    const op = this.operations.get(operationId);
    if (!op) throw new Error(`Unknown operationId ${operationId}`);
    let res = op.responses[String(status)] ?? (status >= 400 ? op.responses.default : undefined);
    if (res && typeof res.$ref === 'string') {
      const name = res.$ref.split('/').pop()!;
      res = ((this.spec.components as Json).responses as Record<string, Json>)[name];
    }
    return res;
  }

  /** Returns a list of problems (empty when the body matches the contract for this status). */
  check(operationId: string, status: number, body: unknown, contentType?: string | null): string[] {
    const res = this.response(operationId, status);
    if (!res) return [`${operationId}: status ${status} is not declared in the contract`];
    const content = res.content as Record<string, Json> | undefined;
    if (!content) {
      return body === undefined || body === ''
        ? []
        : [`${operationId} ${status}: the contract declares no body`];
    }
    const problems: string[] = [];
    if (contentType !== undefined && !(contentType ?? '').startsWith('application/vnd.api+json')) {
      problems.push(`${operationId} ${status}: content-type ${contentType} is not application/vnd.api+json`);
    }
    const schema = content['application/vnd.api+json']?.schema as Json | undefined;
    if (!schema || typeof schema.$ref !== 'string')
      return [...problems, `${operationId} ${status}: no schema ref`];
    const key = schema.$ref;
    let validate = this.cache.get(key);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `${SPEC_ID}${key}` });
      this.cache.set(key, validate);
    }
    if (!validate(body)) {
      for (const e of validate.errors ?? []) {
        problems.push(
          `${operationId} ${status}: ${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
        );
      }
    }
    return problems;
  }
}
