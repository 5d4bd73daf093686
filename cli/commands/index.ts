/**
 * Every `gcr` subcommand, in help order. To add one (results, download,
 * compare, estimate, rundir …): write commands/<name>.ts exporting a
 * RegisterCommand and list it here.
 */
import type { RegisterCommand } from '../context.js';
import { registerAdmin } from './admin.js';
import { registerAgent } from './agent.js';
import { registerBudget } from './budget.js';
import { registerCampaign } from './campaign.js';
import { registerCancel } from './cancel.js';
import { registerCompare } from './compare.js';
import { registerConfig } from './config.js';
import { registerConfigure } from './configure.js';
import { registerCost, registerCosts } from './cost.js';
import { registerDev } from './dev.js';
import { registerDownload } from './download.js';
import { registerEnsemble } from './ensemble.js';
import { registerEstimate } from './estimate.js';
import { registerEvents } from './events.js';
import { registerInputs } from './inputs.js';
import { registerInspect } from './inspect.js';
import { registerList } from './list.js';
import { registerPause } from './pause.js';
import { registerPurge } from './purge.js';
import { registerResults } from './results.js';
import { registerRundir } from './rundir.js';
import { registerSite } from './site.js';
import { registerLogin } from './login.js';
import { registerLogs } from './logs.js';
import { registerStatus } from './status.js';
import { registerSubmit } from './submit.js';
import { registerSubscriptions } from './subscriptions.js';
import { registerToken } from './token.js';
import { registerWatch } from './watch.js';

export const COMMANDS: readonly RegisterCommand[] = [
  registerSubmit,
  registerEstimate,
  registerInputs,
  registerStatus,
  registerWatch,
  registerLogs,
  registerList,
  registerCancel,
  registerPause,
  registerEnsemble,
  registerCampaign,
  registerPurge,
  registerCost,
  registerCosts,
  registerBudget,
  registerEvents,
  registerToken,
  registerLogin,
  registerConfig,
  registerConfigure,
  registerInspect,
  registerRundir,
  registerResults,
  registerDownload,
  registerCompare,
  registerSubscriptions,
  registerSite,
  registerAgent,
  registerDev,
  registerAdmin,
];
