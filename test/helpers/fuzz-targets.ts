import { localSubFor } from '#local/auth/jwt.js';
import type { FuzzTargets } from '#scripts/fuzz/api-fuzz.js';
import {
  platformStores,
  writeFinishedRun,
} from '#test/integration/services/results-processor/api/results-fixtures.js';
import { api, type RunningPlatform } from './platform-process.js';
import { exampleSpec } from './specs.js';

/**
 * What the API fuzzer aims at on a running platform: an owner with two
 * finished runs whose results are READY (so compare and the files route go
 * deep) and a PENDING one, another user with a simulation, an admin, and a
 * Slurm site with its agent's credential.
 */
export async function prepareFuzzTargets(platform: RunningPlatform): Promise<FuzzTargets> {
  const stores = platformStores(platform);
  const [owner, other, admin] = await Promise.all([
    platform.token('fuzz-owner'),
    platform.token('fuzz-other'),
    platform.token('fuzz-admin', { admin: true }),
  ]);
  const ref = await writeFinishedRun(stores, localSubFor('fuzz-owner'));
  const dev = await writeFinishedRun(stores, localSubFor('fuzz-owner'), { o3Scale: 1.25 });
  const submit = async (token: string) => {
    const res = await api(platform, 'POST', '/simulations', { token, body: exampleSpec() });
    if (res.status !== 201) throw new Error(`could not submit a fuzz target: ${res.status}`);
    return res.body.id as string;
  };
  // A Slurm site with a credential, so the agent routes' cases get past the credential check.
  const site = {
    name: 'fuzz-site',
    partitions: [{ name: 'debug', maxTimeMinutes: 60, maxCpus: 8, maxMemoryMiB: 16000 }],
  };
  if ((await api(platform, 'POST', '/sites', { token: admin, body: site })).status !== 200)
    throw new Error('could not define the fuzz site');
  const credential = await api(platform, 'POST', `/sites/${site.name}/credentials`, { token: admin });
  return {
    baseUrl: platform.url,
    site: { name: site.name, secret: credential.body.secret as string },
    tokens: { owner, other, admin },
    ownIds: [ref.simulation.id, dev.simulation.id, await submit(owner)],
    otherIds: [await submit(other)],
    resultKeys: [...ref.manifest.files.map((f) => f.key), 'results/manifest.json', 'results/metrics.json'],
    spec: exampleSpec(),
  };
}
