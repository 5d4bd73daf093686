/** Opens a URL in the user's browser (`open` on macOS, `xdg-open` elsewhere); false when it cannot. */
import { spawn } from 'node:child_process';
import type { Env } from '../io.js';

export function openBrowser(url: string, env: Env): Promise<boolean> {
  // Over SSH without a display there is no browser to open: print the URL instead.
  if (env.SSH_CONNECTION && !env.DISPLAY && !env.WAYLAND_DISPLAY && process.platform !== 'darwin') {
    return Promise.resolve(false);
  }
  const command =
    process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  return new Promise((resolve) => {
    const child = spawn(command, [url], { stdio: 'ignore', detached: true });
    child.once('error', () => resolve(false));
    child.once('spawn', () => {
      child.unref();
      resolve(true);
    });
  });
}
