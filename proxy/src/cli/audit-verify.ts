// `npm run audit:verify`: recomputes the audit log's hash chain from the first record and reports the first record
// that was edited, inserted or deleted. Exit 0 = intact, 1 = broken, 2 = could not run. `--json` prints JSON.
import { openStore, type Store } from '../store';
import type { VerifyResult } from '../store/audit';
import { isEntryPoint, storeOptionsFromEnv } from './env';

export function describeVerify(r: VerifyResult): string {
  if (r.ok) return `Audit log intact: ${r.checked} record(s) checked, hash chain unbroken.`;
  const b = r.firstBroken!;
  const why =
    b.reason === 'hash_mismatch'
      ? 'its contents do not match its hash (the record was edited)'
      : "its prev_hash does not match the previous record's hash (a record before it was deleted or inserted)";
  return `Audit log BROKEN at record #${b.seq} (id ${b.id}): ${why}. ${r.checked} record(s) before it are intact.`;
}

export async function runAuditVerify(
  store: Store,
  json: boolean,
  out: (line: string) => void,
): Promise<number> {
  const result = await store.audit.verify();
  out(json ? JSON.stringify(result) : describeVerify(result));
  return result.ok ? 0 : 1;
}

async function main(): Promise<void> {
  let store: Store | null = null;
  let code = 2;
  try {
    store = await openStore(storeOptionsFromEnv());
    code = await runAuditVerify(store, process.argv.includes('--json'), (l) => console.log(l));
  } catch (err) {
    console.error(`audit:verify could not run: ${(err as Error).message}`);
  } finally {
    await store?.close().catch(() => undefined);
  }
  process.exit(code);
}

if (isEntryPoint(import.meta.url)) void main();
