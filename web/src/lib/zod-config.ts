// `import … from 'zod'` resolves here (vite.config.ts alias), so this runs before any schema is built, in whichever
// chunk first needs zod: zod stays out of the entry. zod 4 probes `new Function("")` to decide whether it may
// JIT-compile schemas; under our CSP (script-src 'self', no 'unsafe-eval') the probe is refused and the browser
// reports a CSP violation for it, even though zod catches the error. `jitless` skips the probe and the eval (found
// by e2e/deploy). ('zod/v4' is the same module graph as 'zod', and is not aliased.)
import { z } from 'zod/v4';

z.config({ jitless: true });

export * from 'zod/v4';
export { z, z as default } from 'zod/v4';
