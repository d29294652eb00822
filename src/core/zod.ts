/**
 * guardrail validates with zod's functional build, `zod/mini`: the same validation core and issues as
 * `zod`, but tree-shakable and a fraction of the import cost (the classic API builds every schema class's
 * methods when it loads; measured in docs/deploy.md). The mini build ships no messages of its own, so
 * parses pass the English ones that `zod` would load, keeping every default message as it was.
 */
import { en } from 'zod/locales';

export const ENGLISH_ERRORS = en().localeError;
