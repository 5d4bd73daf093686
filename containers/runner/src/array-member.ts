/**
 * An ensemble array child takes its member's environment before anything
 * reads the environment (shared/kernel/compute/array-members.ts): the members
 * file its GCR_ARRAY_MEMBERS_S3_URI and AWS_BATCH_JOB_ARRAY_INDEX name, read
 * with the runner's S3 retries. A missing or malformed file is a
 * configuration error (78); S3 failing throughout is transient (75).
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { ArrayMemberError, withArrayMember } from '#shared/kernel/compute/array-members.js';
import { ConfigurationError } from './failures.js';
import { isNotFound, withRetries } from './s3.js';

export async function adoptArrayMember(
  env: NodeJS.ProcessEnv,
  client: () => S3Client,
  attempts: number,
): Promise<void> {
  try {
    const merged = await withArrayMember(env, (bucket, key) =>
      withRetries(
        `reading s3://${bucket}/${key}`,
        async () => {
          const out = await client().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
          return out.Body!.transformToString();
        },
        { attempts, permanent: isNotFound },
      ),
    );
    Object.assign(env, merged);
  } catch (error) {
    if (error instanceof ArrayMemberError) throw new ConfigurationError(error.message);
    if (isNotFound(error))
      throw new ConfigurationError(`the array job's members file is missing: ${String(error)}`);
    throw error;
  }
}
