import type { SNSEvent } from 'aws-lambda';
import { lambdaHandler, logger } from '#shared/kernel/powertools.js';
import { recordSesFeedback } from '../domain/ses-feedback.js';
import { suppressions } from '../wiring.js';

/** SNS: SES bounce and complaint events of the notifier's configuration set. */
export const handler = lambdaHandler(async (event: SNSEvent): Promise<void> => {
  const suppressed = await recordSesFeedback(
    suppressions(),
    event.Records.map((r) => r.Sns.Message),
    new Date(),
  );
  logger.info('SES feedback recorded', { records: event.Records.length, suppressed });
});
