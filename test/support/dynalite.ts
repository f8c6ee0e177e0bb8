import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { AddressInfo } from 'node:net';
import { DEPLOY_RECORDS } from '../../contract/deploy-records';

// dynalite ships no types.
const dynalite = require('dynalite') as (options: Record<string, number>) => import('node:http').Server;

/**
 * A real DynamoDB API (dynalite, in memory) on localhost, and a client for it. It evaluates
 * condition expressions like DynamoDB, but never returns the item with ConditionalCheckFailed.
 */
export async function startDynalite() {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIADYNALITE0000', secretAccessKey: 'dynalite' },
    maxAttempts: 1,
  });
  let tables = 0;
  return {
    endpoint,
    client,
    /** A new, empty deploy records table (as the project stack defines its key); returns its name. */
    async deployRecordsTable(): Promise<string> {
      const name = `deploy-records-${++tables}`;
      await client.send(
        new CreateTableCommand({
          TableName: name,
          AttributeDefinitions: [{ AttributeName: DEPLOY_RECORDS.partitionKey, AttributeType: 'S' }],
          KeySchema: [{ AttributeName: DEPLOY_RECORDS.partitionKey, KeyType: 'HASH' }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
      return name;
    },
    async stop() {
      client.destroy();
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
