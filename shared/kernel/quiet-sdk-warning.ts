/**
 * The AWS SDK warns once per process that its 2027 releases will need Node 22.
 * Our scripts run on the Node the README names, so on every start that notice is
 * noise; every other warning still prints. Import this module first.
 */
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  if (String(warning).startsWith('NodeVersionSupportWarning')) return;
  (emitWarning as (...args: unknown[]) => void)(warning, ...rest);
}) as typeof process.emitWarning;

export {};
