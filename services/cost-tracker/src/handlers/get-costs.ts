import { callerFrom } from '#shared/kernel/http/identity.js';
import { httpHandler } from '#shared/kernel/http/handler.js';
import { json } from '#shared/kernel/http/responses.js';
import { costReport } from '../domain/cost-report.js';
import { costReportPorts } from '../wiring.js';

/** GET /costs?month=&groupBy=owner|tag|simulationType|instanceType: a month's costs (admins: every owner's). */
export const handler = httpHandler(async (event) =>
  json(200, await costReport(costReportPorts(), callerFrom(event), event.queryStringParameters ?? {})),
);
