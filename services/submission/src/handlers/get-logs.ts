import { callerFrom } from '#shared/kernel/http/identity.js';
import { httpHandler } from '#shared/kernel/http/handler.js';
import { pathParameter } from '#shared/kernel/http/request.js';
import { json } from '#shared/kernel/http/responses.js';
import { config } from '../config.js';
import { getLogs, parseLogsQuery } from '../domain/get-logs.js';
import { logReader, repository } from '../wiring.js';

/** GET /simulations/{id}/logs?limit=&nextToken=&startFromHead=: the job's log, paged (a LogPage). */
export const handler = httpHandler(async (event) => {
  const page = await getLogs(
    { repository: repository(), logs: logReader(), logGroupName: config.jobLogGroup },
    callerFrom(event),
    pathParameter(event, 'id'),
    parseLogsQuery(event.queryStringParameters ?? {}),
  );
  return json(200, page);
});
