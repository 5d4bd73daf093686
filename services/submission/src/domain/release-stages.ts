/**
 * A campaign's later stages wait (WAITING) until the end of the stage before
 * them releases them, with no orchestrator: the `Simulation Status Changed`
 * of a terminal status reaches the submission service's release queue, and
 * the finder asks again for a WAITING stage whose predecessor ended but whose
 * event was lost (docs/CAMPAIGNS.md). Every step is idempotent: a release
 * reads the stage's status and moves it with a conditional transition, so
 * duplicates, the finder's catch-up and a resume meet at most one release.
 *
 * On SUCCEEDED the next stage (restartFrom "previous") is handed the
 * predecessor's final restart: the file GEOS-Chem wrote at the end of the
 * predecessor's period (simulations/<pred>/restarts/, or its outputs/),
 * copied into the stage's stored run directory where GEOS-Chem reads its
 * initial restart (`startFromRestart`), which geoschem_config.yml and
 * gcr-rundir.json then name. On FAILED, TIMED_OUT or CANCELLED, the
 * predecessor's policy decides: `stop` cancels every stage still waiting,
 * `continue` releases the next from its own initial conditions.
 */
import { ConflictError } from '#shared/kernel/errors.js';
import { Source } from '#shared/kernel/events/catalog.js';
import type { Caller } from '#shared/kernel/http/identity.js';
import { requestCancel } from '#shared/kernel/repository/cancel.js';
import type { CampaignRecord, CampaignStore } from '#shared/kernel/repository/campaigns.js';
import { runDirectoryPrefix } from '#shared/kernel/storage/bucket-layout.js';
import { isTerminal } from '#shared/kernel/status.js';
import { modelTimeText, startFromRestart } from '#shared/science/rundir/restart.js';
import { storedSpec } from '#shared/science/spec/validate-spec.js';
import type { Simulation } from '#schemas/generated/types.js';
import { moveUnsubmitted } from './hold-release.js';
import type { ObjectStore, SubmissionPorts } from './ports.js';
import { RUNDIR_MANIFEST_FILE } from './run-directory.js';

/** The results bucket, as far as a hand-off reads and copies restarts and run-directory files. */
export interface StageRestarts {
  /** The key of the restart `simulationId` wrote for model time `time` (restarts/, then outputs/); undefined if none. */
  findRestart(simulationId: string, time: Date): Promise<string | undefined>;
  copy(fromKey: string, toKey: string): Promise<void>;
  /** A text object, or undefined when there is none. */
  readText(key: string): Promise<string | undefined>;
}

export interface ReleasePorts extends SubmissionPorts {
  campaigns: Pick<CampaignStore, 'get' | 'recordInitialRestart'>;
  objects: ObjectStore;
  restarts: StageRestarts;
}

export type ReleaseOutcome =
  'released' | 'cancelled' | 'paused' | 'not-a-stage' | 'predecessor-active' | 'nothing-waiting';

/** The line geoschem_config.yml starts with once a stage was handed a restart (replaced, never repeated). */
const HAND_OFF_COMMENT = /^# gcr: initial restart .*\n/m;

function stageLabel(campaign: CampaignRecord, index: number, id: string): string {
  return `stage ${index} (${campaign.stages[index]?.name ?? '?'}, ${id})`;
}

/**
 * Puts the predecessor's final restart where the stage's run directory reads
 * its initial restart; the restart's key, or undefined when the predecessor
 * left none for the end of its period.
 */
async function handOffRestart(
  ports: ReleasePorts,
  campaign: CampaignRecord,
  predecessor: Simulation,
  stage: Simulation,
): Promise<string | undefined> {
  const end = new Date(storedSpec(predecessor).period.end);
  const restartKey = await ports.restarts.findRestart(predecessor.id, end);
  if (!restartKey) return undefined;
  const spec = storedSpec(stage);
  const prefix = runDirectoryPrefix(stage.id);
  const files: Record<string, string> = {};
  for (const name of ['geoschem_config.yml', 'cap_restart']) {
    const text = await ports.restarts.readText(`${prefix}${name}`);
    if (text !== undefined) files[name] = text.replace(HAND_OFF_COMMENT, '');
  }
  const start = startFromRestart(
    files,
    { name: restartKey.slice(restartKey.lastIndexOf('/') + 1), time: new Date(spec.period.start) },
    spec.model === 'gchp' ? 'gchp' : 'gcclassic',
  );
  // The restart first, then the files naming it: a job never reads a name whose file is missing.
  await ports.restarts.copy(restartKey, `${prefix}${start.initialRestartPath}`);
  const from = `${stageLabel(campaign, stage.stageIndex! - 1, predecessor.id)}'s final restart`;
  for (const [name, text] of Object.entries(start.files)) {
    const body =
      name === 'geoschem_config.yml'
        ? `# gcr: initial restart ${start.initialRestartPath}: ${from}, ${restartKey}\n${text}`
        : text;
    await ports.objects.putObject({
      key: `${prefix}${name}`,
      body,
      contentType: name.endsWith('.yml') ? 'application/yaml' : 'text/plain; charset=utf-8',
    });
  }
  const manifest = await ports.restarts.readText(`${prefix}${RUNDIR_MANIFEST_FILE}`);
  if (manifest !== undefined) {
    const parsed = JSON.parse(manifest) as Record<string, unknown>;
    parsed['initialRestart'] = {
      path: start.initialRestartPath,
      source: restartKey,
      fromSimulation: predecessor.id,
      modelTime: modelTimeText(new Date(spec.period.start)),
    };
    await ports.objects.putObject({
      key: `${prefix}${RUNDIR_MANIFEST_FILE}`,
      body: `${JSON.stringify(parsed, null, 2)}\n`,
      contentType: 'application/json',
    });
  }
  await ports.campaigns.recordInitialRestart(campaign.id, stage.stageIndex!, restartKey);
  return restartKey;
}

/** Every stage after `index` still WAITING, CANCELLED with `reason`. */
async function cancelWaitingAfter(
  ports: ReleasePorts,
  campaign: CampaignRecord,
  index: number,
  reason: string,
): Promise<void> {
  const later = campaign.stages.slice(index + 1).map((s) => s.simulationId);
  if (later.length === 0) return;
  for (const stage of await ports.repository.getMany(later)) {
    if (stage.status === 'WAITING') await moveUnsubmitted(ports, stage, 'CANCELLED', reason);
  }
}

/**
 * Releases (or cancels) the stage after `index` of a campaign, according to
 * how stage `index` ended. Idempotent: a stage no longer WAITING is left alone.
 */
export async function releaseAfter(
  ports: ReleasePorts,
  campaign: CampaignRecord,
  index: number,
): Promise<ReleaseOutcome> {
  const next = campaign.stages[index + 1];
  if (!next) return 'nothing-waiting';
  const [predecessor, stage] = await Promise.all([
    ports.repository.get(campaign.stages[index]!.simulationId),
    ports.repository.get(next.simulationId),
  ]);
  // A stage paused on its own (`pause`) ran already: only its owner's resume moves it on.
  if (!stage || stage.status !== 'WAITING' || stage.pause) return 'nothing-waiting';
  if (!predecessor || !isTerminal(predecessor.status)) return 'predecessor-active';
  const ended = `${stageLabel(campaign, index, predecessor.id)} ended ${predecessor.status}`;
  // Paused: nothing is released; a stop still cancels (that starts nothing).
  const releases = predecessor.status === 'SUCCEEDED' || campaign.stages[index]!.onFailure === 'continue';
  if (campaign.paused && releases) return 'paused';

  if (predecessor.status === 'SUCCEEDED') {
    if (next.restartFrom === 'none') {
      const reason = `released: ${ended}; starts from its own initial conditions (restartFrom none)`;
      return (await moveUnsubmitted(ports, stage, 'PENDING', reason)) ? 'released' : 'nothing-waiting';
    }
    const restart = await handOffRestart(ports, campaign, predecessor, stage);
    if (restart) {
      const time = modelTimeText(new Date(storedSpec(stage).period.start));
      const reason = `released: ${ended}; starts from its final restart ${restart} (model time ${time})`;
      return (await moveUnsubmitted(ports, stage, 'PENDING', reason)) ? 'released' : 'nothing-waiting';
    }
    // Succeeded without a restart for its end: nothing to hand over, so the stage cannot start as asked.
    return stopOrContinue(
      ports,
      campaign,
      index,
      stage,
      `${ended} but left no restart for the end of its period (${storedSpec(predecessor).period.end})`,
    );
  }
  return stopOrContinue(ports, campaign, index, stage, ended);
}

async function stopOrContinue(
  ports: ReleasePorts,
  campaign: CampaignRecord,
  index: number,
  stage: Simulation,
  ended: string,
): Promise<ReleaseOutcome> {
  if (campaign.stages[index]!.onFailure === 'continue') {
    const reason = `released: ${ended}; its failure policy is continue, so this stage starts from its own initial conditions (no restart handed over)`;
    return (await moveUnsubmitted(ports, stage, 'PENDING', reason)) ? 'released' : 'nothing-waiting';
  }
  await cancelWaitingAfter(
    ports,
    campaign,
    index,
    `campaign ${campaign.id} stopped: ${ended} and its failure policy is stop`,
  );
  return 'cancelled';
}

/** A stage's end (its terminal Status Changed): releases the next stage. */
export async function onStageEnded(ports: ReleasePorts, simulationId: string): Promise<ReleaseOutcome> {
  const simulation = await ports.repository.get(simulationId);
  if (!simulation?.campaignId || simulation.stageIndex === undefined) return 'not-a-stage';
  if (!isTerminal(simulation.status)) return 'predecessor-active';
  const campaign = await ports.campaigns.get(simulation.campaignId);
  if (!campaign) return 'not-a-stage';
  return releaseAfter(ports, campaign, simulation.stageIndex);
}

/** A WAITING stage the finder found (its predecessor's event may be lost): released if its predecessor ended. */
export async function onWaitingStageFound(
  ports: ReleasePorts,
  simulationId: string,
): Promise<ReleaseOutcome> {
  const stage = await ports.repository.get(simulationId);
  if (!stage?.campaignId || !stage.stageIndex) return 'not-a-stage';
  if (stage.status !== 'WAITING') return 'nothing-waiting';
  const campaign = await ports.campaigns.get(stage.campaignId);
  if (!campaign) return 'not-a-stage';
  return releaseAfter(ports, campaign, stage.stageIndex - 1);
}

/** Every WAITING stage whose predecessor ended (a resume, the finder's catch-up). */
export async function releaseDue(ports: ReleasePorts, campaign: CampaignRecord): Promise<void> {
  const stages = await ports.repository.getMany(campaign.stages.map((s) => s.simulationId));
  const byId = new Map(stages.map((s) => [s.id, s]));
  for (let index = 1; index < campaign.stages.length; index++) {
    const stage = byId.get(campaign.stages[index]!.simulationId);
    const predecessor = byId.get(campaign.stages[index - 1]!.simulationId);
    if (stage?.status === 'WAITING' && predecessor && isTerminal(predecessor.status)) {
      await releaseAfter(ports, campaign, index - 1);
    }
  }
}

/** POST /campaigns/{id}/cancel: waiting stages CANCELLED first (nothing left to release), then active ones cancelled. */
export async function cancelStages(
  ports: ReleasePorts,
  caller: Caller,
  campaign: CampaignRecord,
): Promise<void> {
  const who = caller.username ?? caller.userId;
  const reason = `campaign ${campaign.id} cancelled by ${who}`;
  const stages = await ports.repository.getMany(campaign.stages.map((s) => s.simulationId));
  for (const stage of stages) {
    if (stage.status === 'WAITING') await moveUnsubmitted(ports, stage, 'CANCELLED', reason);
  }
  // Read again: a release may have moved a waiting stage on meanwhile.
  for (const stage of await ports.repository.getMany(campaign.stages.map((s) => s.simulationId))) {
    if (stage.status === 'WAITING' || stage.status === 'CANCELLING' || isTerminal(stage.status)) continue;
    try {
      await requestCancel(ports, {
        id: stage.id,
        load: async () => (await ports.repository.get(stage.id)) ?? stage,
        source: Source.submission,
        reason,
        requestedBy: who,
      });
    } catch (err) {
      // It ended meanwhile: nothing to cancel.
      if (!(err instanceof ConflictError)) throw err;
    }
  }
}
