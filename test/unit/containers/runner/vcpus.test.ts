import { describe, expect, it } from '@jest/globals';
import { jobVcpus, requestedVcpus } from '#containers/runner/src/vcpus.js';

describe("the job's vCPU count for OMP_NUM_THREADS", () => {
  it('takes GCR_VCPUS when the platform set it', () => {
    expect(jobVcpus({ override: 8, cgroupV2CpuMax: '400000 100000', availableParallelism: 64 })).toBe(8);
  });

  it('takes the cgroup v2 quota, rounded up, never above the CPUs there are', () => {
    expect(jobVcpus({ cgroupV2CpuMax: '400000 100000\n', availableParallelism: 64 })).toBe(4);
    expect(jobVcpus({ cgroupV2CpuMax: '150000 100000', availableParallelism: 64 })).toBe(2);
    expect(jobVcpus({ cgroupV2CpuMax: '6400000 100000', availableParallelism: 16 })).toBe(16);
  });

  it('takes the cgroup v1 quota, and all CPUs when there is no quota', () => {
    expect(jobVcpus({ cgroupV1: { quota: '200000', period: '100000' }, availableParallelism: 8 })).toBe(2);
    expect(jobVcpus({ cgroupV1: { quota: '-1', period: '100000' }, availableParallelism: 8 })).toBe(8);
    expect(jobVcpus({ cgroupV2CpuMax: 'max 100000', availableParallelism: 36 })).toBe(36);
    expect(jobVcpus({ availableParallelism: 0 })).toBe(1);
  });

  it("takes the spec's compute.vcpus before any quota (Batch on EC2 limits CPU by shares)", () => {
    expect(jobVcpus({ requested: 4, cgroupV2CpuMax: 'max 100000', availableParallelism: 64 })).toBe(4);
    expect(jobVcpus({ requested: 96, availableParallelism: 64 })).toBe(64);
  });

  it('reads compute.vcpus from gcr-rundir.json, else from the GCR_SPEC JSON', () => {
    expect(requestedVcpus(JSON.stringify({ spec: { compute: { vcpus: 8 } } }), undefined)).toBe(8);
    expect(requestedVcpus(undefined, JSON.stringify({ compute: { vcpus: 2 } }))).toBe(2);
    expect(requestedVcpus('{', JSON.stringify({ compute: { vcpus: 0 } }))).toBeUndefined();
  });
});
