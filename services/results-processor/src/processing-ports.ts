import { S3Client } from '@aws-sdk/client-s3';
import { logger } from '#shared/kernel/powertools.js';
import { derivedProducts } from './adapters/derived-products.js';
import { s3ResultsStore } from './adapters/s3-results-store.js';
import { publisher, repository } from './commons.js';
import { config } from './config.js';
import type { ResultsPorts } from './domain/ports.js';
import { isTransientError } from './domain/transient.js';

const localS3 = process.env['AWS_ENDPOINT_URL_S3'] !== undefined;
const s3 = new S3Client(
  localS3
    ? {
        // s3rver: path-style addressing, and checksums only where S3 requires them (the SDK's
        // default CRC32 trailer sends streamed uploads aws-chunked, which s3rver stores verbatim).
        forcePathStyle: true,
        requestChecksumCalculation: 'WHEN_REQUIRED',
      }
    : {},
);

/** The processing pipeline's ports, built once per bundle. */
export const ports: ResultsPorts = {
  repository,
  store: s3ResultsStore(s3, config.resultsBucket),
  publisher,
  now: () => new Date(),
  tmpDir: config.tmpDir,
  previewSpeciesCount: config.previewSpeciesCount,
  products: derivedProducts,
  isTransient: isTransientError,
  log: (message, data) => logger.info(message, data ?? {}),
};
