import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Seeds a benchmark's table: 25 items a BatchWriteItem, unprocessed ones sent again until none is left. */
export async function putItems(
  client: DynamoDBDocumentClient,
  tableName: string,
  items: readonly Record<string, unknown>[],
): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    let request: Record<string, unknown>[] = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    while (request.length > 0) {
      const out = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: request } }));
      request = (out.UnprocessedItems?.[tableName] ?? []) as Record<string, unknown>[];
    }
  }
}
