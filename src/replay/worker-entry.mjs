// Worker threads do not inherit the tsx loader that bin/guardrail.js registered in the main thread (nor
// vitest's transform), so each worker registers tsx itself before loading the TypeScript scanner.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
