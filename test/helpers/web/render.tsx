/**
 * Renders a console component as the app does (Mantine, react-query, a
 * session, the API client, a router at `path`), for component tests. The API
 * client talks to `fetch`, which a test replaces with its own answers.
 */
import type { ReactElement } from 'react';
import { MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, type RenderResult } from '@testing-library/react';
import { createMemoryRouter, RouterProvider, type RouteObject } from 'react-router';
import { ApiProvider } from '../../../web/src/api/ApiContext.js';
import { createApiClient } from '../../../web/src/api/client.js';
import { SessionProvider } from '../../../web/src/auth/SessionContext.js';
import type { Session, SignedInUser } from '../../../web/src/auth/session.js';
import { cssVariablesResolver, theme } from '../../../web/src/app/theme.js';

export const TEST_API_URL = 'http://api.test';

export function signedInAs(user: Partial<SignedInUser> = {}): Session {
  return {
    user: { sub: 'user-1', username: 'alice', groups: [], isAdmin: false, ...user },
    accessToken: async () => 'test-token',
    signIn: async () => undefined,
    signOut: async () => undefined,
  };
}

export interface RenderOptions {
  /** The URL the router starts at. */
  path?: string;
  /** Routes around the element; default: the element at every path. */
  routes?: RouteObject[];
  session?: Session;
  fetch?: typeof fetch;
}

export function renderWithApp(element: ReactElement, options: RenderOptions = {}): RenderResult {
  const session = options.session ?? signedInAs();
  const api = createApiClient(TEST_API_URL, () => session.accessToken(), options.fetch);
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const router = createMemoryRouter(options.routes ?? [{ path: '*', element }], {
    initialEntries: [options.path ?? '/'],
  });
  return render(
    <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver}>
      <QueryClientProvider client={queryClient}>
        <SessionProvider session={session}>
          <ApiProvider client={api}>
            <RouterProvider router={router} />
          </ApiProvider>
        </SessionProvider>
      </QueryClientProvider>
    </MantineProvider>,
  );
}
