// What the SPA gets for `import … from "zod"` (vite.config.ts aliases it here): zod itself, with
// its JIT switched off before any schema is built. The JIT probes `new Function` once, which the
// page's Content Security Policy refuses and reports as a violation. Aliasing keeps zod out of
// the first bundle: it loads with the first page that uses a schema, already configured.
import { config } from "zod/v4";

config({ jitless: true });

export * from "zod/v4";
