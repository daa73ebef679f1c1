// Shared by the CLIs: the store options from the same environment the proxy reads (keep in step with server.ts),
// and "am I the entry point" (also right when esbuild bundles a CLI, or it is started through a symlink).
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../config';
import type { StoreOptions } from '../store';

export function storeOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): StoreOptions {
  const config = loadConfig(env);
  return {
    databaseUrl: config.databaseUrl ?? undefined,
    schema: config.databaseSchema ?? undefined,
    queryTimeoutMs: config.databaseQueryTimeoutMs,
    dataDir: path.join(config.dataDir, 'db'),
    storeMessageText: config.auditStoreMessageText,
  };
}

export function isEntryPoint(importMetaUrl: string): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(path.resolve(entry)) === realpathSync(fileURLToPath(importMetaUrl));
  } catch {
    return false;
  }
}
