/** GET/PUT/DELETE /budgets: monthly budgets per owner and per tag, with their spend. */
import { NotFoundError, ValidationError } from '#shared/kernel/errors.js';
import type { Caller } from '#shared/kernel/http/identity.js';
import {
  budgetView,
  DEFAULT_THRESHOLDS,
  monthOf,
  ownerBudgetKey,
  type BudgetDefinition,
  type BudgetStore,
} from '#shared/kernel/repository/budgets.js';
import { issuesFromAjv, validatorFor } from '#schemas/validator.js';
import type { Budget, BudgetList, BudgetRequest } from '#schemas/generated/types.js';

export interface BudgetApiPorts {
  budgets: BudgetStore;
  now: () => Date;
}

const validateRequest = validatorFor<BudgetRequest>('https://gcr.dev/schemas/api/budget-request.schema.json');
const MONTH = /^[0-9]{4}-(0[1-9]|1[0-2])$/;

/** `?month=`: a calendar month "YYYY-MM" (default this one), 400 naming query.month otherwise. */
export function parseMonth(query: Record<string, string | undefined>, now: Date): string {
  const month = query['month'];
  if (month === undefined) return monthOf(now);
  if (!MONTH.test(month)) {
    throw new ValidationError('query.month is not a month', [
      { field: 'query.month', message: 'must be a calendar month YYYY-MM, e.g. 2026-12' },
    ]);
  }
  return month;
}

function forbidUnlessAdmin(caller: Caller, field: string, what: string): void {
  if (!caller.isAdmin) {
    throw new ValidationError(`only admins may ${what}`, [{ field, message: `only admins may ${what}` }]);
  }
}

/** The budget key a request names: a tag's (admins), another owner's (admins), or the caller's own. */
function budgetKeyOf(caller: Caller, fields: { tag?: string; owner?: string }, where: '' | 'query.'): string {
  if (fields.tag !== undefined) {
    forbidUnlessAdmin(caller, `${where}tag`, 'set or remove tag budgets (they cover every owner)');
    return `tag:${fields.tag}`;
  }
  if (fields.owner !== undefined && fields.owner !== caller.userId) {
    forbidUnlessAdmin(caller, `${where}owner`, "manage another owner's budget");
    return ownerBudgetKey(fields.owner);
  }
  return ownerBudgetKey(caller.userId);
}

/** PUT /budgets: sets (or replaces) a budget; answers it with this month's spend. */
export async function putBudget(ports: BudgetApiPorts, caller: Caller, body: unknown): Promise<Budget> {
  const request = structuredClone(body);
  if (!validateRequest(request)) {
    throw new ValidationError('the budget is invalid', issuesFromAjv(validateRequest.errors));
  }
  const budget = budgetKeyOf(caller, request, '');
  const now = ports.now();
  const definition: BudgetDefinition = {
    budget,
    ...(budget.startsWith('owner:') ? { owner: budget.slice('owner:'.length) } : { tag: request.tag! }),
    limitUsd: request.limitUsd,
    thresholds: [...(request.thresholds ?? DEFAULT_THRESHOLDS)].sort((a, b) => a - b),
    alertOnly: request.alertOnly ?? false,
    updatedAt: now.toISOString(),
    updatedBy: caller.username ?? caller.userId,
  };
  await ports.budgets.put(definition);
  const month = monthOf(now);
  return budgetView(definition, month, (await ports.budgets.spend([budget], month)).get(budget));
}

/** GET /budgets?month=: the budgets covering the caller's runs (admins: all), with the month's spend. */
export async function listBudgets(
  ports: BudgetApiPorts,
  caller: Caller,
  query: Record<string, string | undefined>,
): Promise<BudgetList> {
  const unknown = Object.keys(query).filter((key) => key !== 'month');
  if (unknown.length > 0) {
    throw new ValidationError('unknown query parameter', [
      { field: 'query', message: `unknown parameter(s) ${unknown.join(', ')}; only month is allowed` },
    ]);
  }
  const month = parseMonth(query, ports.now());
  const definitions = [...(await ports.budgets.definitions()).values()].filter(
    (d) => caller.isAdmin || d.owner === caller.userId || d.tag !== undefined,
  );
  const spend = await ports.budgets.spend(
    definitions.map((d) => d.budget),
    month,
  );
  return {
    month,
    items: definitions
      .sort((a, b) => a.budget.localeCompare(b.budget))
      .map((d) => budgetView(d, month, spend.get(d.budget))),
  };
}

/** DELETE /budgets?tag=&owner=: removes a budget; 404 when there is none. */
export async function deleteBudget(
  ports: BudgetApiPorts,
  caller: Caller,
  query: Record<string, string | undefined>,
): Promise<void> {
  const unknown = Object.keys(query).filter((key) => key !== 'tag' && key !== 'owner');
  if (unknown.length > 0) {
    throw new ValidationError('unknown query parameter', [
      {
        field: 'query',
        message: `unknown parameter(s) ${unknown.join(', ')}; only tag and owner are allowed`,
      },
    ]);
  }
  const budget = budgetKeyOf(caller, query, 'query.');
  if (!(await ports.budgets.delete(budget))) throw new NotFoundError(`there is no budget ${budget}`);
}
