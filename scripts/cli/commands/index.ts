/**
 * Every `gcr` subcommand, in help order. To add one (logs, watch, results,
 * download, compare, estimate, rundir …): write commands/<name>.ts exporting a
 * RegisterCommand and list it here.
 */
import type { RegisterCommand } from '../context.js';
import { registerCancel } from './cancel.js';
import { registerEvents } from './events.js';
import { registerList } from './list.js';
import { registerStatus } from './status.js';
import { registerSubmit } from './submit.js';
import { registerToken } from './token.js';

export const COMMANDS: readonly RegisterCommand[] = [
  registerSubmit,
  registerStatus,
  registerList,
  registerCancel,
  registerEvents,
  registerToken,
];
