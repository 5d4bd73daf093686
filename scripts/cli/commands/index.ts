/**
 * Every `gcr` subcommand, in help order. To add one (results, download,
 * compare, estimate, rundir …): write commands/<name>.ts exporting a
 * RegisterCommand and list it here.
 */
import type { RegisterCommand } from '../context.js';
import { registerCancel } from './cancel.js';
import { registerEvents } from './events.js';
import { registerInspect } from './inspect.js';
import { registerList } from './list.js';
import { registerRundir } from './rundir.js';
import { registerLogs } from './logs.js';
import { registerStatus } from './status.js';
import { registerSubmit } from './submit.js';
import { registerToken } from './token.js';
import { registerWatch } from './watch.js';

export const COMMANDS: readonly RegisterCommand[] = [
  registerSubmit,
  registerStatus,
  registerWatch,
  registerLogs,
  registerList,
  registerCancel,
  registerEvents,
  registerToken,
  registerInspect,
  registerRundir,
];
