/**
 * Slurm sites (docs/SLURM.md), kept in the simulations table because two
 * services need them: the submission service defines them and checks specs
 * against their limits; the execution poller sends their work to their queue
 * and takes their agents' reports. One item `#sites`, a map of name ->
 * definition (one read answers "every site"). A site's credentials live in
 * its definition as hashes only; the API's view never shows them.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Site, SiteRequest } from '#schemas/generated/types.js';
import { mapItem } from './map-item.js';
import { isConditionalCheckFailed } from './simulations.js';

export const SITES_ID = '#sites';

export interface StoredSiteCredential {
  /** SHA-256 of the secret, hex: the secret has 256 random bits, so no slow hash is needed. */
  secretHash: string;
  createdAt: string;
}

export interface SiteDefinition extends SiteRequest {
  updatedAt: string;
  updatedBy: string;
  credentials: Record<string, StoredSiteCredential>;
  /** The agent's last report (POST /sites/{name}/reports) and which agent sent it. */
  lastHeartbeatAt?: string;
  agentId?: string;
}

export interface SiteStore {
  all(): Promise<Map<string, SiteDefinition>>;
  get(name: string): Promise<SiteDefinition | undefined>;
  put(definition: SiteDefinition): Promise<void>;
  /** False when there was none. */
  delete(name: string): Promise<boolean>;
  /** Records an agent's report on the site; false when the site no longer exists. */
  recordHeartbeat(name: string, heartbeat: { at: string; agentId: string }): Promise<boolean>;
}

export function createSiteStore(client: DynamoDBDocumentClient, tableName: string): SiteStore {
  const sites = mapItem<SiteDefinition>(client, tableName, SITES_ID, 'sites');
  return {
    all: () => sites.entries(),
    get: async (name) => (await sites.entries()).get(name),
    put: (definition) => sites.set(definition.name, definition),
    delete: (name) => sites.remove(name),
    // One attribute pair of the site's entry, so a heartbeat never overwrites a
    // concurrent redefinition or credential change of the site.
    async recordHeartbeat(name, heartbeat) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { id: SITES_ID },
            UpdateExpression: 'SET #sites.#name.#at = :at, #sites.#name.#agent = :agent',
            ConditionExpression: 'attribute_exists(#sites.#name)',
            ExpressionAttributeNames: {
              '#sites': 'sites',
              '#name': name,
              '#at': 'lastHeartbeatAt',
              '#agent': 'agentId',
            },
            ExpressionAttributeValues: { ':at': heartbeat.at, ':agent': heartbeat.agentId },
          }),
        );
        return true;
      } catch (err) {
        if (isConditionalCheckFailed(err)) return false;
        throw err;
      }
    },
  };
}

/** The API's view of a site: its credentials by id and date, never their hashes. */
export function siteView(definition: SiteDefinition): Site {
  const { credentials, ...rest } = definition;
  return {
    ...rest,
    credentials: Object.entries(credentials)
      .map(([credentialId, credential]) => ({ credentialId, createdAt: credential.createdAt }))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt)),
  };
}

const SECRET_PREFIX = 'gcrsite_';

function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** A new credential: the secret (shown once) and what is stored of it. */
export function newSiteCredential(now: Date): {
  credentialId: string;
  secret: string;
  stored: StoredSiteCredential;
} {
  const credentialId = randomBytes(8).toString('hex');
  const secret = `${SECRET_PREFIX}${credentialId}_${randomBytes(32).toString('hex')}`;
  return { credentialId, secret, stored: { secretHash: hashSecret(secret), createdAt: now.toISOString() } };
}

/** True when `secret` is a live credential of `site` (not revoked, the site not removed). */
export function siteCredentialMatches(site: SiteDefinition | undefined, secret: string): boolean {
  const match = /^gcrsite_([a-f0-9]{16})_[a-f0-9]{64}$/.exec(secret);
  const stored = match && site ? site.credentials[match[1]!] : undefined;
  if (!stored) return false;
  return timingSafeEqual(Buffer.from(stored.secretHash, 'hex'), Buffer.from(hashSecret(secret), 'hex'));
}
