/**
 * Imported first by main.ts. zod compiles fast parsers with `new Function` when it may; under the
 * renderer's CSP (`script-src 'self'`, no eval) its probe for that is refused and reported as a
 * CSP violation on every start. jitless: zod does not try, so any violation report means an attack.
 */
import { z } from 'zod';

z.config({ jitless: true });
