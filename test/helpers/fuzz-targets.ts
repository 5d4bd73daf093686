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
 * deep) and a PENDING one, another user with a simulation, and an admin.
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
  return {
    baseUrl: platform.url,
    tokens: { owner, other, admin },
    ownIds: [ref.simulation.id, dev.simulation.id, await submit(owner)],
    otherIds: [await submit(other)],
    resultKeys: [...ref.manifest.files.map((f) => f.key), 'results/manifest.json', 'results/metrics.json'],
    spec: exampleSpec(),
  };
}
