import { describe, expect, it } from '@jest/globals';
import { ForbiddenError, NotFoundError, ValidationError } from '#shared/kernel/errors.js';
import { siteCredentialMatches } from '#shared/kernel/repository/sites.js';
import { validateSimulationSpec } from '#shared/science/spec/validate-spec.js';
import {
  checkSlurmSite,
  createSiteCredential,
  deleteSite,
  listSites,
  putSite,
  revokeSiteCredential,
} from '#services/submission/src/domain/sites-api.js';
import {
  estimateSimulation,
  planAtSite,
  planSimulation,
} from '#services/submission/src/domain/plan-simulation.js';
import { memorySiteQueues, memorySites } from '#test/helpers/sites.js';
import { exampleSpec } from '#test/helpers/specs.js';
import type { RunEstimate, SimulationPlan } from '#schemas/generated/types.js';

const admin = { userId: 'a1', username: 'ada', groups: ['admin'], isAdmin: true };
const chemist = { userId: 'u1', groups: [], isAdmin: false };
const cannon = {
  name: 'harvard-cannon',
  partitions: [
    { name: 'sapphire', maxTimeMinutes: 4320, maxCpus: 112, maxMemoryMiB: 900_000 },
    { name: 'test', maxTimeMinutes: 60, maxCpus: 8, maxMemoryMiB: 16_000 },
  ],
  account: 'jacob_lab',
};

const ports = () => ({
  sites: memorySites(),
  queues: memorySiteQueues(),
  now: () => new Date('2026-12-07T09:00:00Z'),
});

function slurmSpec(compute: Record<string, unknown>) {
  const result = validateSimulationSpec({ ...exampleSpec(), compute: { backend: 'slurm', ...compute } });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.spec;
}

describe('Slurm sites (GET/POST /sites, DELETE /sites/{name}, credentials)', () => {
  it('lets admins define a site, and everyone list it', async () => {
    const p = ports();
    const site = await putSite(p, admin, cannon);
    expect(site).toMatchObject({ ...cannon, updatedBy: 'ada', credentials: [] });
    expect(await listSites(p)).toEqual({ items: [site] });
  });

  it("makes the site's work queue with it, and removes the queue with it", async () => {
    const p = ports();
    await putSite(p, admin, cannon);
    expect([...p.queues.existing]).toEqual(['harvard-cannon']);
    await deleteSite(p, admin, 'harvard-cannon');
    expect([...p.queues.existing]).toEqual([]);
  });

  it('refuses non-admins (403) and invalid sites (400 naming the field)', async () => {
    await expect(putSite(ports(), chemist, cannon)).rejects.toThrow(ForbiddenError);
    await expect(putSite(ports(), admin, { ...cannon, name: 'Cannon!' })).rejects.toMatchObject({
      issues: [expect.objectContaining({ field: 'name' })],
    });
    await expect(
      putSite(ports(), admin, { ...cannon, partitions: [cannon.partitions[0], cannon.partitions[0]] }),
    ).rejects.toMatchObject({
      issues: [{ field: 'partitions.1.name', message: expect.stringMatching(/twice/) }],
    });
  });

  it('makes a credential whose secret is shown once and stored hashed, and revokes it', async () => {
    const p = ports();
    await putSite(p, admin, cannon);
    const credential = await createSiteCredential(p, admin, 'harvard-cannon');
    expect(credential.secret).toMatch(/^gcrsite_[a-f0-9]{16}_[a-f0-9]{64}$/);
    const stored = p.sites.map.get('harvard-cannon')!;
    expect(JSON.stringify(stored)).not.toContain(credential.secret);
    expect(siteCredentialMatches(stored, credential.secret)).toBe(true);
    const tampered = credential.secret.slice(0, -1) + (credential.secret.endsWith('0') ? '1' : '0');
    expect(siteCredentialMatches(stored, tampered)).toBe(false);
    // Redefining the site keeps its credentials; the view shows ids, never hashes.
    const redefined = await putSite(p, admin, { ...cannon, description: 'FASRC' });
    expect(redefined.credentials).toEqual([
      { credentialId: credential.credentialId, createdAt: credential.createdAt },
    ]);
    await revokeSiteCredential(p, admin, 'harvard-cannon', credential.credentialId);
    expect(siteCredentialMatches(p.sites.map.get('harvard-cannon'), credential.secret)).toBe(false);
    await expect(revokeSiteCredential(p, admin, 'harvard-cannon', credential.credentialId)).rejects.toThrow(
      NotFoundError,
    );
  });

  it('removes a site (admins), 404 for one that is not there', async () => {
    const p = ports();
    await putSite(p, admin, cannon);
    await expect(deleteSite(p, chemist, 'harvard-cannon')).rejects.toThrow(ForbiddenError);
    await deleteSite(p, admin, 'harvard-cannon');
    await expect(deleteSite(p, admin, 'harvard-cannon')).rejects.toThrow(NotFoundError);
    await expect(createSiteCredential(p, admin, 'harvard-cannon')).rejects.toThrow(NotFoundError);
  });
});

describe('a spec on backend "slurm" against its site', () => {
  it('requires compute.site with slurm, and refuses it with any other backend', () => {
    const without = validateSimulationSpec({ ...exampleSpec(), compute: { backend: 'slurm' } });
    expect(without.ok ? [] : without.issues).toEqual([expect.objectContaining({ field: 'compute.site' })]);
    const stray = validateSimulationSpec({
      ...exampleSpec(),
      compute: { backend: 'local', site: 'harvard-cannon' },
    });
    expect(stray.ok ? [] : stray.issues).toEqual([expect.objectContaining({ field: 'compute.site' })]);
  });

  it('accepts a spec one partition has room for', async () => {
    const p = ports();
    await putSite(p, admin, cannon);
    await expect(
      checkSlurmSite(slurmSpec({ site: 'harvard-cannon', vcpus: 48 }), p.sites),
    ).resolves.toBeUndefined();
  });

  it('refuses an unknown site, naming compute.site', async () => {
    await expect(checkSlurmSite(slurmSpec({ site: 'nowhere-site' }), memorySites())).rejects.toMatchObject({
      issues: [{ field: 'compute.site', message: expect.stringMatching(/no site "nowhere-site"/) }],
    });
  });

  it('refuses what no partition allows, naming each field over its limits', async () => {
    const p = ports();
    await putSite(p, admin, cannon);
    const attempt = checkSlurmSite(
      slurmSpec({ site: 'harvard-cannon', vcpus: 128, maxRuntimeMinutes: 5000 }),
      p.sites,
    );
    await expect(attempt).rejects.toThrow(ValidationError);
    await expect(attempt).rejects.toMatchObject({
      issues: [
        {
          field: 'compute.maxRuntimeMinutes',
          message: expect.stringMatching(/4320 \(sapphire\), 60 \(test\)/),
        },
        { field: 'compute.vcpus', message: expect.any(String) },
      ],
    });
  });

  it('refuses the same specs in plans and estimates as POST /simulations does', async () => {
    const p = ports();
    await putSite(p, admin, cannon);
    const rules = { localBackendEnabled: true };
    const body = (site: string) => ({ ...exampleSpec(), compute: { backend: 'slurm', site } });
    const plans: Array<(b: unknown, r: typeof rules) => SimulationPlan | RunEstimate> = [
      planSimulation,
      estimateSimulation,
    ];
    for (const plan of plans) {
      await expect(planAtSite(p.sites, body('nowhere-site'), rules, plan)).rejects.toMatchObject({
        issues: [{ field: 'compute.site', message: expect.any(String) }],
      });
      await expect(planAtSite(p.sites, body('harvard-cannon'), rules, plan)).resolves.toBeDefined();
    }
  });
});
