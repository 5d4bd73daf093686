/**
 * EC2 on-demand prices (us-east-1, Linux, USD per instance-hour) from the
 * Karpenter-generated table in this folder (see README.md), and the instance
 * facts the estimator needs that a size name says by itself.
 */
import table from './ec2_ondemand_us-east-1_karpenter_2026-07-20.json' with { type: 'json' };

const PRICES = table.us_east_1_all as Record<string, number | null>;

export const PRICING_SOURCE = {
  source: `${table._source} (shared/science/pricing/ec2_ondemand_us-east-1_karpenter_2026-07-20.json)`,
  region: table.region,
  generatedAt: table.generated_at,
} as const;

/** On-demand USD per hour, or undefined when the table has no price for it. */
export function onDemandPricePerHour(instanceType: string): number | undefined {
  const price = PRICES[instanceType];
  return typeof price === 'number' ? price : undefined;
}

/**
 * vCPUs of an instance type from its size: medium 1, large 2, xlarge 4,
 * Nxlarge 4N; the families whose sizes do not follow that rule are listed.
 */
const VCPUS_BY_TYPE: Record<string, number> = {
  // hpc7g sizes are the same 64-core chip with cores switched off
  'hpc7g.4xlarge': 16,
  'hpc7g.8xlarge': 32,
  'hpc7g.16xlarge': 64,
  'hpc6a.48xlarge': 96,
  'hpc7a.96xlarge': 192,
};

export function instanceVcpus(instanceType: string): number | undefined {
  const known = VCPUS_BY_TYPE[instanceType];
  if (known !== undefined) return known;
  const size = instanceType.split('.')[1] ?? '';
  if (size === 'medium') return 1;
  if (size === 'large') return 2;
  if (size === 'xlarge') return 4;
  const match = /^(\d+)xlarge$/.exec(size);
  return match ? 4 * Number(match[1]) : undefined;
}

/** The family, e.g. "c7g" for "c7g.4xlarge". */
export function instanceFamily(instanceType: string): string {
  return instanceType.split('.')[0] ?? instanceType;
}

/** GiB of memory per vCPU by family class letter: compute-optimized c 2, general m 4, memory-optimized r 8. */
const GIB_PER_VCPU: Record<string, number> = { c: 2, m: 4, r: 8 };
const MEMORY_BY_FAMILY: Record<string, (vcpus: number) => number> = {
  c5n: (vcpus) => vcpus * 2.625, // c5n.18xlarge: 192 GiB
  hpc7g: () => 128,
};

/** Memory of an instance type in GiB, when the family follows AWS's usual ratios; undefined otherwise. */
export function instanceMemoryGiB(instanceType: string): number | undefined {
  const vcpus = instanceVcpus(instanceType);
  if (vcpus === undefined) return undefined;
  const family = instanceFamily(instanceType);
  const special = MEMORY_BY_FAMILY[family];
  if (special) return special(vcpus);
  const perVcpu = GIB_PER_VCPU[family.charAt(0)];
  return perVcpu === undefined ? undefined : vcpus * perVcpu;
}
