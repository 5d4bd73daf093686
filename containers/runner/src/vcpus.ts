/**
 * How many vCPUs the job has, for OMP_NUM_THREADS. Pure: takes what the caller
 * read. AWS Batch passes no vCPU count to the container, so, in order: an
 * explicit GCR_VCPUS (the platform sets it from the job's resourceRequirements),
 * the cgroup CPU quota (cgroup v2 `cpu.max`, or v1 cfs quota/period), else all
 * CPUs the process may use (`os.availableParallelism()`).
 */
export interface CpuEvidence {
  override?: number;
  /** `compute.vcpus` of the simulation's spec. */
  requested?: number;
  /** Content of /sys/fs/cgroup/cpu.max, e.g. "400000 100000" or "max 100000". */
  cgroupV2CpuMax?: string;
  /** Content of cpu.cfs_quota_us and cpu.cfs_period_us (cgroup v1). */
  cgroupV1?: { quota: string; period: string };
  availableParallelism: number;
}

export function jobVcpus(evidence: CpuEvidence): number {
  if (evidence.override !== undefined) return evidence.override;
  const all = Math.max(1, evidence.availableParallelism);
  const limit = evidence.requested ?? quotaCpus(evidence);
  return limit === undefined ? all : Math.max(1, Math.min(all, limit));
}

function quotaCpus(evidence: CpuEvidence): number | undefined {
  let quota: number | undefined;
  let period: number | undefined;
  if (evidence.cgroupV2CpuMax !== undefined) {
    const [q, p] = evidence.cgroupV2CpuMax.trim().split(/\s+/);
    if (q !== 'max') {
      quota = Number(q);
      period = Number(p ?? 100000);
    }
  } else if (evidence.cgroupV1) {
    quota = Number(evidence.cgroupV1.quota.trim());
    period = Number(evidence.cgroupV1.period.trim());
  }
  if (quota === undefined || period === undefined) return undefined;
  if (!(quota > 0) || !(period > 0)) return undefined;
  return Math.max(1, Math.ceil(quota / period));
}

/** `compute.vcpus` from gcr-rundir.json's stored spec, else from the spec JSON the job's environment carries. */
export function requestedVcpus(...specSources: (string | undefined)[]): number | undefined {
  for (const source of specSources) {
    if (!source) continue;
    try {
      const parsed = JSON.parse(source) as {
        spec?: { compute?: { vcpus?: unknown } };
        compute?: { vcpus?: unknown };
      };
      const vcpus = parsed.spec?.compute?.vcpus ?? parsed.compute?.vcpus;
      if (typeof vcpus === 'number' && Number.isInteger(vcpus) && vcpus > 0) return vcpus;
    } catch {
      // Not JSON: try the next source.
    }
  }
  return undefined;
}
