// Imported first by main.tsx, before any schema is built: zod's JIT probes `new Function` once,
// which the page's Content Security Policy refuses and reports as a violation on every load.
import { z } from "zod";

z.config({ jitless: true });
