/**
 * How the child of an ensemble's array job finds its member (docs/CAMPAIGNS.md).
 *
 * AWS Batch gives every child of an array job the same environment plus
 * AWS_BATCH_JOB_ARRAY_INDEX, and caps a job's environment (the whole
 * SubmitJob request is limited to 30 KiB), so 10,000 members' ids and specs
 * cannot travel in it. Before SubmitJob the execution poller therefore writes,
 * under `ensembles/<ensemble id>/arrays/<job name>/`:
 *
 * - `index.json` (job-array-index.schema.json): the member simulation of each
 *   index, which the poller reads back to attach a child's events to its
 *   member and to re-attach an array a crash left unrecorded;
 * - `members-<n>.json` (job-array-members.schema.json): the job environment
 *   of children 100 n .. 100 n + 99, exactly what a single job of that member
 *   would get. A child reads its one file (about 100 specs, not 10,000) and
 *   starts with its member's environment over its own.
 *
 * The job's own environment carries only GCR_ARRAY_MEMBERS_S3_URI, the prefix.
 * Pure (the reads are the caller's), so the job runner and the demo model
 * share it.
 */
import type { JobArrayIndex, JobArrayMembers, JobEnvironment } from '#schemas/generated/types.js';
import { ensembleKey } from '../storage/bucket-layout.js';

/** Children per members file: the poller writes size / 100 files, a child reads one. */
export const ARRAY_MEMBERS_PER_FILE = 100;

/** The variable naming the members files' prefix (s3://bucket/ensembles/<id>/arrays/<job name>/). */
export const ARRAY_MEMBERS_VARIABLE = 'GCR_ARRAY_MEMBERS_S3_URI';

const ARRAY_JOB_NAME = /^gcr-(ens_[0-9a-z]{26})-a([1-9][0-9]*)$/;
const CHILD_JOB_ID = /^(.+):(0|[1-9][0-9]{0,4})$/;

/** An ensemble's n-th array job's name (n from 1): found by name after a crash, like a single job's. */
export function arrayJobName(ensembleId: string, sequence: number): string {
  return `gcr-${ensembleId}-a${sequence}`;
}

/** The ensemble of an array job's name, or undefined for any other name. */
export function parseArrayJobName(jobName: string): { ensembleId: string; sequence: number } | undefined {
  const match = ARRAY_JOB_NAME.exec(jobName);
  return match ? { ensembleId: match[1]!, sequence: Number(match[2]) } : undefined;
}

/** Batch's id of an array child: `<parent job id>:<index>`. */
export function arrayChildJobId(parentJobId: string, index: number): string {
  return `${parentJobId}:${index}`;
}

/** The parent and index of an array child's job id, or undefined for any other id. */
export function parseArrayChildJobId(jobId: string): { parentJobId: string; index: number } | undefined {
  const match = CHILD_JOB_ID.exec(jobId);
  return match ? { parentJobId: match[1]!, index: Number(match[2]) } : undefined;
}

/** The key prefix of one array job's files. */
export function arrayPrefix(ensembleId: string, jobName: string): string {
  return ensembleKey(ensembleId, `arrays/${jobName}/`);
}

export function arrayIndexKey(prefix: string): string {
  return `${prefix}index.json`;
}

export function arrayMembersKey(prefix: string, index: number): string {
  return `${prefix}members-${Math.floor(index / ARRAY_MEMBERS_PER_FILE)}.json`;
}

/** Every file of one array job, index first (its simulations in array-index order). */
export function arrayFiles(
  ensembleId: string,
  jobName: string,
  members: readonly { simulationId: string; environment: Record<string, string> }[],
): { key: string; body: string }[] {
  const prefix = arrayPrefix(ensembleId, jobName);
  const index: JobArrayIndex = {
    schemaVersion: '1',
    ensembleId,
    jobName,
    simulationIds: members.map((m) => m.simulationId),
  };
  const files = [{ key: arrayIndexKey(prefix), body: JSON.stringify(index) }];
  for (let first = 0; first < members.length; first += ARRAY_MEMBERS_PER_FILE) {
    const file: JobArrayMembers = {
      schemaVersion: '1',
      firstIndex: first,
      // Each a whole job environment (the poller's jobEnvironment); the child checks it as a single job does.
      members: members
        .slice(first, first + ARRAY_MEMBERS_PER_FILE)
        .map((m) => m.environment as JobEnvironment),
    };
    files.push({ key: arrayMembersKey(prefix, first), body: JSON.stringify(file) });
  }
  return files;
}

/** An index file as read back (job-array-index.schema.json), or an ArrayMemberError. */
export function parseArrayIndex(text: string): JobArrayIndex {
  const parsed = parseJson(text, 'the array index');
  const ids = (parsed as Partial<JobArrayIndex>).simulationIds;
  if (
    (parsed as Partial<JobArrayIndex>).schemaVersion !== '1' ||
    !Array.isArray(ids) ||
    !ids.every((id) => typeof id === 'string')
  ) {
    throw new ArrayMemberError('the array index is not a job-array-index (schemaVersion 1, simulationIds)');
  }
  return parsed as JobArrayIndex;
}

/** The array's files are missing or malformed: the child cannot know its member (exit 78). */
export class ArrayMemberError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArrayMemberError';
  }
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new ArrayMemberError(`${what} is not JSON: ${(err as Error).message}`);
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/** Where a child's members file is: bucket and key, from its environment; undefined outside an array job. */
export function arrayMembersLocation(env: Env): { bucket: string; key: string; index: number } | undefined {
  const uri = env[ARRAY_MEMBERS_VARIABLE]?.trim();
  if (!uri) return undefined;
  const match = /^s3:\/\/([^/]+)\/(.*)$/.exec(uri);
  if (!match) throw new ArrayMemberError(`${ARRAY_MEMBERS_VARIABLE} must be s3://bucket/prefix/, got ${uri}`);
  const raw = env['AWS_BATCH_JOB_ARRAY_INDEX']?.trim() ?? '';
  if (!/^(0|[1-9][0-9]{0,4})$/.test(raw)) {
    throw new ArrayMemberError(
      `${ARRAY_MEMBERS_VARIABLE} is set but AWS_BATCH_JOB_ARRAY_INDEX is not an array index: "${raw}"`,
    );
  }
  const prefix = match[2]!.endsWith('/') || match[2] === '' ? match[2]! : `${match[2]}/`;
  const index = Number(raw);
  return { bucket: match[1]!, key: arrayMembersKey(prefix, index), index };
}

/**
 * A child's environment: its own with its member's (from the members file
 * read by `read`) over it. Outside an array job, the environment unchanged.
 */
export async function withArrayMember(
  env: Env,
  read: (bucket: string, key: string) => Promise<string>,
): Promise<Record<string, string | undefined>> {
  const location = arrayMembersLocation(env);
  if (!location) return { ...env };
  const text = await read(location.bucket, location.key);
  const file = parseJson(text, `s3://${location.bucket}/${location.key}`) as Partial<JobArrayMembers>;
  const member =
    file.schemaVersion === '1' && typeof file.firstIndex === 'number' && Array.isArray(file.members)
      ? file.members[location.index - file.firstIndex]
      : undefined;
  if (
    !member ||
    typeof member !== 'object' ||
    !Object.values(member).every((value) => typeof value === 'string')
  ) {
    throw new ArrayMemberError(
      `s3://${location.bucket}/${location.key} holds no job environment for array index ${location.index}`,
    );
  }
  return { ...env, ...member };
}
