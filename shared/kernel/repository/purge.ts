/**
 * Deleting finished simulations and their groups from the simulations table
 * (DELETE /simulations/{id}, /ensembles/{id}, /campaigns/{id}:
 * docs/CAMPAIGNS.md, "Purge"). A simulation is deleted only while it is
 * finished and off the StatusIndex (its last event published): the condition
 * is in the write, so a purge can never remove a run that something still
 * works on, whatever it read before.
 */
import { DeleteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TERMINAL_STATUSES } from '../status.js';
import { campaignItemId, ownerCampaigns } from './campaigns.js';
import { ensembleItemId } from './ensembles.js';
import { isConditionalCheckFailed } from './simulations.js';

export interface PurgeStore {
  /** 'kept' when it is not finished, or its last event is not published yet; 'deleted' also when it was gone. */
  deleteFinishedSimulation(id: string): Promise<'deleted' | 'kept'>;
  deleteEnsemble(ensembleId: string): Promise<void>;
  /** The campaign's item and its entry in its owner's list. */
  deleteCampaign(campaignId: string, owner: string): Promise<void>;
}

export function createDynamoPurgeStore(client: DynamoDBDocumentClient, tableName: string): PurgeStore {
  const terminal = [...TERMINAL_STATUSES];
  return {
    async deleteFinishedSimulation(id) {
      try {
        await client.send(
          new DeleteCommand({
            TableName: tableName,
            Key: { id },
            ConditionExpression: `attribute_not_exists(id) OR (#status IN (${terminal.map((_, i) => `:t${i}`).join(', ')}) AND attribute_not_exists(statusShard))`,
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: Object.fromEntries(terminal.map((status, i) => [`:t${i}`, status])),
          }),
        );
        return 'deleted';
      } catch (err) {
        if (isConditionalCheckFailed(err)) return 'kept';
        throw err;
      }
    },

    async deleteEnsemble(ensembleId) {
      await client.send(new DeleteCommand({ TableName: tableName, Key: { id: ensembleItemId(ensembleId) } }));
    },

    async deleteCampaign(campaignId, owner) {
      await client.send(new DeleteCommand({ TableName: tableName, Key: { id: campaignItemId(campaignId) } }));
      await ownerCampaigns(client, tableName, owner).remove(campaignId);
    },
  };
}
