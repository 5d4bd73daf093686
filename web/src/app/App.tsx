import { useMemo, useSyncExternalStore } from 'react';
import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createBrowserRouter, RouterProvider } from 'react-router';
import type { RuntimeConfig } from '../config/runtime-config.js';
import { createApiClient } from '../api/client.js';
import { ApiProvider } from '../api/ApiContext.js';
import { SessionProvider } from '../auth/SessionContext.js';
import type { Session } from '../auth/session.js';
import type { SessionStore } from '../auth/oidc-session.js';
import { routes } from './routes.js';
import { theme } from './theme.js';

/** Without a session store (tests of the shell), the console is signed out. */
const signedOut: Session = {
  user: undefined,
  accessToken: async () => undefined,
  signIn: async () => undefined,
  signOut: async () => undefined,
};

export function App({ config, session = signedOut }: { config: RuntimeConfig; session?: Session }) {
  // One client for the app's life: a sign-in or a renewal does not drop what the pages have loaded.
  const queryClient = useMemo(() => new QueryClient({ defaultOptions: { queries: { retry: 1 } } }), []);
  const api = useMemo(
    () => createApiClient(config.apiUrl, () => session.accessToken()),
    [config.apiUrl, session],
  );
  const router = useMemo(() => createBrowserRouter(routes), []);
  return (
    <MantineProvider theme={theme} defaultColorScheme="auto">
      <Notifications />
      <QueryClientProvider client={queryClient}>
        <SessionProvider session={session}>
          <ApiProvider client={api}>
            <RouterProvider router={router} />
          </ApiProvider>
        </SessionProvider>
      </QueryClientProvider>
    </MantineProvider>
  );
}

/** The console as main.tsx starts it: the App, re-rendered when the session changes (sign-in, renewal, sign-out). */
export function ConsoleApp({ config, sessions }: { config: RuntimeConfig; sessions: SessionStore }) {
  const session = useSyncExternalStore(sessions.subscribe, sessions.getSnapshot);
  return <App config={config} session={session} />;
}
