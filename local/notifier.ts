/**
 * The local platform's side of the notifier (services/notifier): its
 * subscriptions' secrets encrypted under the data directory instead of SSM,
 * its email through a local SMTP server whose messages stay under
 * `<data>/mail` (`gcr dev mail`), and its unsubscribe links on the platform's
 * own URL (read from platform.json). Loopback webhook receivers are allowed by
 * GCR_LOCAL_PLATFORM, which only the platform sets. The notifier's
 * serverless.yml reads these through `${env:...}`, so they are set before the
 * services are loaded.
 */
import path from 'node:path';
import { startLocalMailServer } from './mail/smtp-server.js';

export async function startLocalNotifier(dataDir: string, host: string): Promise<() => Promise<void>> {
  const mail = await startLocalMailServer(dataDir, host);
  Object.assign(process.env, {
    GCR_NOTIFIER_SECRET_STORE: 'local',
    GCR_NOTIFIER_LOCAL_SECRETS_DIR: path.join(dataDir, 'notifier', 'secrets'),
    GCR_NOTIFIER_SMTP_URL: mail.url,
    GCR_NOTIFIER_PUBLIC_API_URL: `file:${path.join(dataDir, 'platform.json')}`,
  });
  return () => mail.close();
}
