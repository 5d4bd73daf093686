import { callerFrom } from '#shared/kernel/http/identity.js';
import { httpHandler } from '#shared/kernel/http/handler.js';
import { jsonBody } from '#shared/kernel/http/request.js';
import { json } from '#shared/kernel/http/responses.js';
import { deleteBudget, listBudgets, putBudget } from '../domain/budgets-api.js';
import { budgetApiPorts } from '../wiring.js';

/** GET /budgets?month=: the budgets covering the caller's runs, with the month's spend. */
export const list = httpHandler(async (event) =>
  json(200, await listBudgets(budgetApiPorts(), callerFrom(event), event.queryStringParameters ?? {})),
);

/** PUT /budgets: sets or replaces a monthly budget (the caller's own; a tag's or another owner's: admins). */
export const put = httpHandler(async (event) =>
  json(200, await putBudget(budgetApiPorts(), callerFrom(event), jsonBody(event))),
);

/** DELETE /budgets?tag=&owner=: 204, or 404 when there is no such budget. */
export const remove = httpHandler(async (event) => {
  await deleteBudget(budgetApiPorts(), callerFrom(event), event.queryStringParameters ?? {});
  return { statusCode: 204 };
});
