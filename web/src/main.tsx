import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import { App } from './app/App.js';
import { loadRuntimeConfig } from './config/runtime-config.js';

const root = createRoot(document.getElementById('root') as HTMLElement);

loadRuntimeConfig().then(
  (config) =>
    root.render(
      <StrictMode>
        <App config={config} />
      </StrictMode>,
    ),
  (error: unknown) => {
    // Without its configuration the console cannot reach the API: say so plainly.
    const message = error instanceof Error ? error.message : String(error);
    root.render(
      <main style={{ fontFamily: 'system-ui', padding: '2rem' }}>
        <h1>GEOS-Chem Cloud Runner</h1>
        <p role="alert">The console could not load its configuration (/config.json): {message}</p>
      </main>,
    );
  },
);
