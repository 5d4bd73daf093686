import type { ESLint } from 'eslint';

/** Repository-relative path a specifier points at, or undefined for a package. */
export function resolveSpecifier(specifier: string, importerRelPath: string): string | undefined;
/** The boundary an import breaks, in words, or undefined when it is allowed. */
export function boundaryViolation(specifier: string, importerRelPath: string): string | undefined;
declare const plugin: ESLint.Plugin;
export default plugin;
