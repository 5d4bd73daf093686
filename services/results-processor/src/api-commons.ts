/**
 * Clients and configuration of the results API functions (getResults,
 * getResultFile, compareResults), built once per bundle.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { dynamoDocumentClient } from '#shared/kernel/aws/clients.js';
import { EnvReader } from '#shared/kernel/config.js';
import { createDynamoSimulationRepository } from '#shared/kernel/repository/simulations.js';
import { createS3ResultsStore } from './api-s3-store.js';

const env = new EnvReader();

/** Read once at module load; a missing variable fails the cold start, not a request. */
export const apiConfig = {
  tableName: env.string('SIMULATIONS_TABLE'),
  statusIndexShards: env.int('STATUS_INDEX_SHARDS', 16, { min: 1, max: 256 }),
  resultsBucket: env.string('RESULTS_BUCKET'),
  downloadUrlTtlSeconds: env.int('DOWNLOAD_URL_TTL_SECONDS', 300, { min: 1, max: 604_800 }),
  /** Difference maps per comparison: as many as preview maps per run. */
  comparisonMapCount: env.int('PREVIEW_SPECIES_COUNT', 4, { min: 0, max: 50 }),
};
env.done();

/*
 * Against an S3 emulator (AWS_ENDPOINT_URL_S3, the local platform's s3rver):
 * path-style URLs, since there are no per-bucket host names. Response checksum
 * validation only when required, so a presigned GET carries no checksum-mode
 * header that a plain HTTP client would not send.
 */
const s3 = new S3Client({
  ...(process.env['AWS_ENDPOINT_URL_S3'] ? { forcePathStyle: true } : {}),
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
});

export const repository = createDynamoSimulationRepository(dynamoDocumentClient, apiConfig);
export const store = createS3ResultsStore(s3, apiConfig.resultsBucket);
