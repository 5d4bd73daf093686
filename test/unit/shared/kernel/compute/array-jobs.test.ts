/**
 * The Batch adapter's array jobs: SubmitJob carries arrayProperties.size
 * (2 to 10,000, never with multi-node), DescribeJobs' and events'
 * arrayProperties come back as the port's `array`; and the children's side
 * of array-members.ts: a child finds its member's environment by its index,
 * and a missing or malformed file says so.
 */
import { describe, expect, it } from '@jest/globals';
import type { JobDetail } from '@aws-sdk/client-batch';
import {
  arrayFiles,
  ArrayMemberError,
  arrayPrefix,
  parseArrayChildJobId,
  parseArrayJobName,
  withArrayMember,
} from '#shared/kernel/compute/array-members.js';
import type { SubmitJobRequest } from '#shared/kernel/compute/backend.js';
import {
  jobDescriptionFromBatchEvent,
  jobDescriptionFromDetail,
  submitJobInput,
  type BatchBackendConfig,
} from '#shared/kernel/compute/batch-backend.js';

const config: BatchBackendConfig = {
  jobQueues: {
    arm64: { spot: 'q-spot', 'on-demand': 'q-od' },
    x86_64: { spot: 'q-spot', 'on-demand': 'q-od' },
  },
  jobDefinitions: { arm64: 'def', x86_64: 'def' },
};

const request = (overrides: Partial<SubmitJobRequest> = {}): SubmitJobRequest => ({
  simulationId: 'sim_0123456789abcdefghjkmnpqrs',
  jobName: 'gcr-ens_0123456789abcdefghjkmnpqrs-a1',
  architecture: 'arm64',
  purchase: 'spot',
  vcpus: 1,
  memoryMiB: 1024,
  spotRetries: 0,
  maxRuntimeSeconds: 600,
  environment: { GCR_ARRAY_MEMBERS_S3_URI: 's3://results/ensembles/x/arrays/y/' },
  tags: {},
  ...overrides,
});

const ENSEMBLE = 'ens_0123456789abcdefghjkmnpqrs';

describe('array jobs through the Batch adapter', () => {
  it('sends arrayProperties.size and refuses sizes Batch refuses, and multi-node arrays', () => {
    expect(submitJobInput(request({ arraySize: 250 }), config).arrayProperties).toEqual({ size: 250 });
    expect(submitJobInput(request(), config).arrayProperties).toBeUndefined();
    for (const size of [1, 10_001, 2.5]) {
      expect(() => submitJobInput(request({ arraySize: size }), config)).toThrow(
        'an array job has 2 to 10000',
      );
    }
    expect(() =>
      submitJobInput(
        request({ arraySize: 4, purchase: 'on-demand', multiNode: { nodes: 2, mpiProcesses: 4 } }),
        config,
      ),
    ).toThrow('cannot be an array job');
  });

  it("maps a parent's size and status summary and a child's index, from DescribeJobs and from events", () => {
    const base = { jobName: 'n', jobQueue: 'q', jobDefinition: 'd', createdAt: 1, startedAt: 2 };
    const parent = jobDescriptionFromDetail({
      ...base,
      jobId: 'p',
      status: 'PENDING',
      arrayProperties: { size: 3, statusSummary: { RUNNABLE: 2, RUNNING: 1, BOGUS: 4 } },
    } as JobDetail);
    expect(parent.array).toEqual({ size: 3, statusSummary: { RUNNABLE: 2, RUNNING: 1 } });
    const child = jobDescriptionFromBatchEvent({
      ...base,
      jobId: 'p:2',
      status: 'RUNNING',
      attempts: [],
      arrayProperties: { index: 2 },
    });
    expect(child.array).toEqual({ index: 2 });
    expect(
      jobDescriptionFromDetail({ ...base, jobId: 'j', status: 'RUNNING' } as JobDetail).array,
    ).toBeUndefined();
  });
});

describe('how an array child finds its member', () => {
  const members = Array.from({ length: 250 }, (_, i) => ({
    simulationId: `sim_${String(i).padStart(26, '0')}`,
    environment: { GCR_SIMULATION_ID: `sim_${String(i).padStart(26, '0')}`, GCR_SPEC: '{}' },
  }));
  const files = new Map(arrayFiles(ENSEMBLE, `gcr-${ENSEMBLE}-a1`, members).map((f) => [f.key, f.body]));
  const uri = `s3://results/${arrayPrefix(ENSEMBLE, `gcr-${ENSEMBLE}-a1`)}`;
  const read = async (bucket: string, key: string) => {
    expect(bucket).toBe('results');
    const body = files.get(key);
    if (body === undefined) throw new Error(`NoSuchKey ${key}`);
    return body;
  };

  it('writes an index and one members file per 100 children, and a child reads its own', async () => {
    expect([...files.keys()].map((k) => k.split('/').at(-1))).toEqual([
      'index.json',
      'members-0.json',
      'members-1.json',
      'members-2.json',
    ]);
    const env = await withArrayMember(
      { GCR_ARRAY_MEMBERS_S3_URI: uri, AWS_BATCH_JOB_ARRAY_INDEX: '149', KEEP: 'me' },
      read,
    );
    expect(env).toMatchObject({ GCR_SIMULATION_ID: members[149]!.simulationId, KEEP: 'me' });
    // Outside an array job nothing is read.
    expect(await withArrayMember({ A: 'b' }, read)).toEqual({ A: 'b' });
  });

  it('says what is wrong when the index or the file does not name the member', async () => {
    await expect(withArrayMember({ GCR_ARRAY_MEMBERS_S3_URI: uri }, read)).rejects.toThrow(ArrayMemberError);
    await expect(
      withArrayMember({ GCR_ARRAY_MEMBERS_S3_URI: uri, AWS_BATCH_JOB_ARRAY_INDEX: '350' }, read),
    ).rejects.toThrow('NoSuchKey');
    await expect(
      withArrayMember({ GCR_ARRAY_MEMBERS_S3_URI: uri, AWS_BATCH_JOB_ARRAY_INDEX: '250' }, read),
    ).rejects.toThrow('holds no job environment for array index 250');
    await expect(
      withArrayMember(
        { GCR_ARRAY_MEMBERS_S3_URI: uri, AWS_BATCH_JOB_ARRAY_INDEX: '3' },
        async () => '{"x":1}',
      ),
    ).rejects.toThrow('holds no job environment for array index 3');
  });

  it('names array jobs and children so events and re-attachment can find them', () => {
    expect(parseArrayJobName(`gcr-${ENSEMBLE}-a12`)).toEqual({ ensembleId: ENSEMBLE, sequence: 12 });
    expect(parseArrayJobName('gcr-sim_0123456789abcdefghjkmnpqrs')).toBeUndefined();
    expect(parseArrayChildJobId('0b5c-11:9999')).toEqual({ parentJobId: '0b5c-11', index: 9999 });
    expect(parseArrayChildJobId('0b5c-11')).toBeUndefined();
  });
});
