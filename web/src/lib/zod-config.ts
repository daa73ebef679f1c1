// Imported first by main.tsx. zod 4 probes `new Function("")` to decide whether it may JIT-compile schemas; under
// our CSP (script-src 'self', no 'unsafe-eval') the probe is refused and the browser reports a CSP violation for
// it, even though zod catches the error. `jitless` skips the probe and the eval (found by e2e/deploy).
import { z } from 'zod';

z.config({ jitless: true });
