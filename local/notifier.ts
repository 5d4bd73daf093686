/**
 * The local platform's configuration of the notifier (services/notifier): its
 * subscriptions' secrets encrypted under the data directory instead of SSM.
 * (Loopback webhook receivers are allowed by GCR_LOCAL_PLATFORM, which only the
 * platform sets.) Read by the notifier's serverless.yml through `${env:...}`,
 * so it is set before the services are loaded.
 */
import path from 'node:path';

export function configureLocalNotifier(dataDir: string): void {
  process.env['GCR_NOTIFIER_SECRET_STORE'] = 'local';
  process.env['GCR_NOTIFIER_LOCAL_SECRETS_DIR'] = path.join(dataDir, 'notifier', 'secrets');
}
