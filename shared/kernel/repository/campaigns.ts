/**
 * Staged campaigns, kept in the simulations table beside their stages
 * (docs/CAMPAIGNS.md): the submission service creates them, answers their
 * roll-up and releases each stage when the one before it ends.
 *
 * - `#campaign#<campaign id>`: one item, the campaign's definition (name, the
 *   stages in order with their simulation ids, failure policies and periods)
 *   and `paused`. No `owner` attribute (the campaign's is `campaignOwner`): the
 *   OwnerIndex and the admin scan list simulations only.
 * - `#campaigns#<owner>`: the owner's campaigns (id -> created at), one map
 *   item (map-item.ts), which GET /campaigns reads without a scan or an index;
 *   about 50 bytes a campaign, so some thousands fit under DynamoDB's 400 KB.
 * - Stages are ordinary simulation items whose ids are derived from the
 *   campaign id and the stage index (`stageSimulationId`), so a replayed
 *   Idempotency-Key lands on the same items and a stage's successor is found
 *   by id, without an index.
 */
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Campaign, CampaignStage } from '#schemas/generated/types.js';
import { campaignSchema } from '#schemas/generated/schemas.js';
import { base32Digest } from './ensembles.js';
import { mapItem } from './map-item.js';
import { isConditionalCheckFailed } from './simulations.js';

const CAMPAIGN_PREFIX = '#campaign#';
const OWNER_CAMPAIGNS_PREFIX = '#campaigns#';
const CAMPAIGN_ID = new RegExp(campaignSchema.properties.id.pattern);

export function isCampaignId(id: string): boolean {
  return CAMPAIGN_ID.test(id);
}

export function campaignItemId(campaignId: string): string {
  return `${CAMPAIGN_PREFIX}${campaignId}`;
}

/** The owner's list of campaigns (id -> created at), one map item. */
export function ownerCampaigns(client: DynamoDBDocumentClient, tableName: string, owner: string) {
  return mapItem<string>(client, tableName, `${OWNER_CAMPAIGNS_PREFIX}${owner}`, 'campaigns');
}

/** A campaign id derived from owner and Idempotency-Key (a replay meets the stored campaign). */
export function idempotentCampaignId(owner: string, key: string): string {
  return `cmp_${base32Digest(`campaign\u0000${owner}\u0000${key}`)}`;
}

/** The simulation id of a campaign's stage. */
export function stageSimulationId(campaignId: string, stageIndex: number): string {
  return `sim_${base32Digest(`${campaignId}\u0000stage\u0000${stageIndex}`)}`;
}

/** A stage as stored: what the request said and what the release did. */
export interface CampaignStageRecord extends Pick<
  CampaignStage,
  'name' | 'simulationId' | 'onFailure' | 'restartFrom' | 'period'
> {
  /** Set by the release that handed it its predecessor's final restart: that restart's key. */
  initialRestart?: string;
}

/** A campaign as stored. */
export interface CampaignRecord extends Pick<Campaign, 'id' | 'owner' | 'name' | 'createdAt' | 'paused'> {
  description: string;
  stages: CampaignStageRecord[];
  estimateUsd?: number;
  requestFingerprint?: string;
}

export interface CampaignStore {
  /** 'exists' when the id is taken (an Idempotency-Key replay). Lists it among the owner's. */
  create(record: CampaignRecord): Promise<'created' | 'exists'>;
  get(campaignId: string): Promise<CampaignRecord | undefined>;
  /** Sets `paused`; false when there is no such campaign. */
  setPaused(campaignId: string, paused: boolean): Promise<boolean>;
  /** Records the restart a stage was released with (shown by GET /campaigns/{id}). */
  recordInitialRestart(campaignId: string, stageIndex: number, key: string): Promise<void>;
  /** The owner's campaign ids, newest first. */
  idsOfOwner(owner: string): Promise<string[]>;
}

function fromItem(item: Record<string, unknown>): CampaignRecord {
  const { id: _key, campaignId, campaignOwner, ...rest } = item;
  return {
    ...(rest as Omit<CampaignRecord, 'id' | 'owner'>),
    id: campaignId as string,
    owner: campaignOwner as string,
  };
}

export function createDynamoCampaignStore(client: DynamoDBDocumentClient, tableName: string): CampaignStore {
  const ownerIndex = (owner: string) => ownerCampaigns(client, tableName, owner);
  return {
    async create(record) {
      const { id, owner, ...rest } = record;
      // Listed first: a crash after it leaves an id GET /campaigns skips (no item), never a campaign it misses.
      await ownerIndex(owner).set(id, record.createdAt);
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...rest, id: campaignItemId(id), campaignId: id, campaignOwner: owner },
            ConditionExpression: 'attribute_not_exists(id)',
          }),
        );
        return 'created';
      } catch (err) {
        if (isConditionalCheckFailed(err)) return 'exists';
        throw err;
      }
    },

    async get(campaignId) {
      const out = await client.send(
        new GetCommand({
          TableName: tableName,
          Key: { id: campaignItemId(campaignId) },
          ConsistentRead: true,
        }),
      );
      return out.Item ? fromItem(out.Item) : undefined;
    },

    async setPaused(campaignId, paused) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { id: campaignItemId(campaignId) },
            UpdateExpression: 'SET paused = :paused',
            ConditionExpression: 'attribute_exists(id)',
            ExpressionAttributeValues: { ':paused': paused },
          }),
        );
        return true;
      } catch (err) {
        if (isConditionalCheckFailed(err)) return false;
        throw err;
      }
    },

    async recordInitialRestart(campaignId, stageIndex, key) {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { id: campaignItemId(campaignId) },
          UpdateExpression: `SET stages[${stageIndex}].initialRestart = :key`,
          ConditionExpression: 'attribute_exists(id)',
          ExpressionAttributeValues: { ':key': key },
        }),
      );
    },

    async idsOfOwner(owner) {
      const entries = await ownerIndex(owner).entries();
      return [...entries]
        .sort(([a, at], [b, bt]) => (at === bt ? b.localeCompare(a) : bt.localeCompare(at)))
        .map(([id]) => id);
    },
  };
}
