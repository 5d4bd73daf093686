#!/usr/bin/env node
// `gcr` without a build step: register tsx's ESM loader, then run the
// TypeScript CLI (cli/main.ts). Works through `npx gcr` and `npm link`.
import { URL, fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
const { main } = await import('../cli/main.ts');
await main();
