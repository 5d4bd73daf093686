import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import { ConsoleApp } from './app/App.js';
import { loadRuntimeConfig } from './config/runtime-config.js';
import { startOidcSession } from './auth/oidc-session.js';

const root = createRoot(document.getElementById('root') as HTMLElement);

// The sign-in's return to /callback is finished before the router renders the page it started from.
loadRuntimeConfig()
  .then(async (config) => ({ config, sessions: await startOidcSession(config) }))
  .then(
    ({ config, sessions }) =>
      root.render(
        <StrictMode>
          <ConsoleApp config={config} sessions={sessions} />
        </StrictMode>,
      ),
    (error: unknown) => {
      // Without its configuration (or its sign-in provider) the console cannot reach the API: say so plainly.
      const message = error instanceof Error ? error.message : String(error);
      root.render(
        <main style={{ fontFamily: 'system-ui', padding: '2rem' }}>
          <h1>GEOS-Chem Cloud Runner</h1>
          <p role="alert">The console could not start (configuration /config.json or sign-in): {message}</p>
        </main>,
      );
    },
  );
