/**
 * The project's deploy records (a DynamoDB table, one item per approved model package version): how
 * the deploy trigger and the deploy pipeline agree that one approval deploys once. Read by the
 * deploy-trigger function (TypeScript) and the deploy repository's claim step (Python, seed code).
 */
export const DEPLOY_RECORDS = {
  /** Partition key (string): the versioned model package ARN. */
  partitionKey: 'ModelPackageArn',
  /** Attribute DynamoDB's TTL deletes expired records by (epoch seconds). */
  ttlAttribute: 'ExpiresAt',
} as const;
