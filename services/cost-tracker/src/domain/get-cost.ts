import type { Caller } from '#shared/kernel/http/identity.js';
import { loadVisibleSimulation } from '#shared/kernel/repository/visible-simulation.js';
import type { SimulationRepository } from '#shared/kernel/repository/simulations.js';
import type { SimulationCost } from '#schemas/generated/types.js';
import type { CostStore, LaunchFacts, PriceBook, CostPolicy } from './ports.js';
import { priceSimulation } from './price-simulation.js';

export interface CostApiPorts {
  repository: SimulationRepository;
  costs: Pick<CostStore, 'get'>;
  launches: LaunchFacts;
  prices: PriceBook;
  /** Prices of attempts observed on AWS (EC2's spot price history). */
  observedPrices?: PriceBook;
  policy: CostPolicy;
  now: () => Date;
}

/**
 * GET /simulations/{id}/cost: a final cost as stored; an accrued one brought
 * to this moment from the stored prices (the hourly accrual stores it; a
 * reader only looks).
 */
export async function getSimulationCost(
  ports: CostApiPorts,
  caller: Caller,
  id: string,
): Promise<SimulationCost> {
  const simulation = await loadVisibleSimulation(ports.repository, caller, id);
  const stored = await ports.costs.get(id);
  if (stored?.kind === 'final') return stored;
  return priceSimulation(ports, simulation, stored, ports.now());
}
