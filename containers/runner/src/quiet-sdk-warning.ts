/**
 * The AWS SDK warns once per process that its 2027 releases need Node 22; the
 * image runs Node 22, but a local run on Node 20 would print that notice into
 * every job log. Every other warning still prints. Imported first by main.ts.
 */
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  if (String(warning).startsWith('NodeVersionSupportWarning')) return;
  (emitWarning as (...args: unknown[]) => void)(warning, ...rest);
}) as typeof process.emitWarning;

export {};
