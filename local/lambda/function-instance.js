// The entry of one function instance (a worker thread, as Lambda gives each
// instance its own execution environment): tsx's loader first, because worker
// threads do not inherit it and the handlers are TypeScript; then the runtime.
// Plain JavaScript for the same reason.
import { register } from 'tsx/esm/api';

register();
await import('./function-runtime.ts');
