/**
 * How a run's cost is computed from what it ran on (docs/COSTS.md gives the
 * sources): the job's share of each instance, compute over price periods,
 * the root EBS volume, S3 storage and transfer out. Pure functions: the cost
 * tracker stores their inputs (the price at launch) and their results.
 */
import { instanceMemoryGiB, instanceVcpus } from './ec2-prices.js';

/** AWS's hours in a month for per-month prices (EBS, S3 pricing pages: 730 hours). */
export const HOURS_PER_MONTH = 730;

/** us-east-1 list prices, USD, as of the date below (AWS's EBS, S3 and EC2 data transfer pricing pages). */
export const STORAGE_PRICES = {
  asOf: '2026-07-20',
  region: 'us-east-1',
  /** EBS gp3, per GB-month (baseline 3,000 IOPS and 125 MB/s included). */
  ebsGp3PerGbMonth: 0.08,
  /** S3 Standard, first 50 TB, per GB-month. */
  s3StandardPerGbMonth: 0.023,
  /** Data transfer out to the internet, first 10 TB a month, per GB. */
  transferOutPerGb: 0.09,
} as const;

/** The root volume of Batch's ECS-optimised AMI (30 GiB), unless a launch template says otherwise. */
export const DEFAULT_ROOT_VOLUME_GIB = 30;

export interface InstanceShare {
  vcpu: number;
  memory: number;
  /** max(vcpu, memory), capped at 1: the part of the instance nobody else could use. */
  applied: number;
}

/**
 * The job's share of one instance: max(vCPU share, memory share). A job that
 * takes 4 of 16 vCPUs but 24 of 32 GiB leaves room for no other job needing
 * more than 8 GiB, so the larger share is what it keeps from others.
 * Unknown instance facts give a share of 1 (the whole instance).
 */
export function instanceShare(
  instanceType: string,
  job: { vcpus: number; memoryMiB: number },
): InstanceShare {
  const vcpus = instanceVcpus(instanceType);
  const memoryGiB = instanceMemoryGiB(instanceType);
  const round = (value: number): number => Number(Math.min(1, value).toFixed(4));
  const vcpu = vcpus ? round(job.vcpus / vcpus) : 1;
  const memory = memoryGiB ? round(job.memoryMiB / 1024 / memoryGiB) : 1;
  return { vcpu, memory, applied: Math.max(vcpu, memory) };
}

export interface PricePeriod {
  /** Epoch ms from which this price holds (until the next period's start). */
  fromMs: number;
  usdPerHour: number;
}

/**
 * USD of one instance over [startMs, endMs], the price changing at each period's
 * start (a spot price history; on-demand is one period). Time before the first
 * period is priced at the first period's price.
 */
export function integratePrice(periods: readonly PricePeriod[], startMs: number, endMs: number): number {
  if (periods.length === 0 || endMs <= startMs) return 0;
  const sorted = [...periods].sort((a, b) => a.fromMs - b.fromMs);
  let usd = 0;
  for (let i = 0; i < sorted.length; i++) {
    const from = i === 0 ? startMs : Math.max(startMs, sorted[i]!.fromMs);
    const to = Math.min(endMs, sorted[i + 1]?.fromMs ?? Infinity);
    if (to > from) usd += ((to - from) / 3_600_000) * sorted[i]!.usdPerHour;
  }
  return usd;
}

/** The price periods in force over [startMs, endMs]: the last one starting at or before startMs, and those after. */
export function periodsOver(periods: readonly PricePeriod[], startMs: number, endMs: number): PricePeriod[] {
  const sorted = [...periods].sort((a, b) => a.fromMs - b.fromMs);
  const firstIndex = Math.max(
    0,
    sorted.findLastIndex((period) => period.fromMs <= startMs),
  );
  return sorted.slice(firstIndex).filter((period) => period.fromMs <= endMs);
}

/** The root EBS volume of `nodes` instances for `seconds`, at the job's share of each. */
export function ebsRootVolumeUsd(
  seconds: number,
  rootVolumeGiB: number,
  share: number,
  nodes: number,
): number {
  return (seconds / 3600 / HOURS_PER_MONTH) * rootVolumeGiB * STORAGE_PRICES.ebsGp3PerGbMonth * share * nodes;
}

/** S3 Standard storage of `bytes` for one month (AWS bills GB as 2^30 bytes on S3: the GiB). */
export function s3StoragePerMonthUsd(bytes: number): number {
  return (bytes / 2 ** 30) * STORAGE_PRICES.s3StandardPerGbMonth;
}

/** Data transfer out of `bytes` (billed per GiB too). */
export function transferOutUsd(bytes: number): number {
  return (bytes / 2 ** 30) * STORAGE_PRICES.transferOutPerGb;
}

/** Money rounded to a hundredth of a cent (figures add up; displays round to cents). */
export function roundUsd(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
