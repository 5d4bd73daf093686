import type { RouteObject } from 'react-router';
import { Layout } from './Layout.js';
import { SimulationsPage } from '../pages/simulations/SimulationsPage.js';
import { NewSimulationPage } from '../pages/new-simulation/NewSimulationPage.js';
import { SimulationPage } from '../pages/simulation/SimulationPage.js';
import { CostsPage } from '../pages/costs/CostsPage.js';
import { SubscriptionsPage } from '../pages/subscriptions/SubscriptionsPage.js';
import { NotFoundPage } from '../pages/NotFoundPage.js';

/** The console's pages; paths are the ones a researcher bookmarks and shares. */
export const routes: RouteObject[] = [
  {
    path: '/',
    element: <Layout />,
    children: [
      { index: true, element: <SimulationsPage /> },
      { path: 'simulations', element: <SimulationsPage /> },
      { path: 'simulations/new', element: <NewSimulationPage /> },
      { path: 'simulations/:id', element: <SimulationPage /> },
      { path: 'simulations/:id/compare/:otherId', element: <SimulationPage /> },
      { path: 'costs', element: <CostsPage /> },
      { path: 'subscriptions', element: <SubscriptionsPage /> },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
];
