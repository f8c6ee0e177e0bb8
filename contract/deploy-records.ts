/**
 * The project's deploy records (a DynamoDB table, one item per approved model package version): how
 * the deploy trigger and the deploy pipeline agree that one approval deploys once. Written by the
 * deploy-trigger function (TypeScript) and claimed by the deploy repository's claim step (Python,
 * seed-code/model-deploy/scripts/claim_deploy.py, which repeats these names and is tested against them).
 *
 * Protocol: the function puts the record (one winner among concurrent duplicates) with a fresh
 * request id, then starts the deploy pipeline with DEPLOY_REQUEST_ID = that id. The pipeline's
 * first job claims the record: only while the record's RequestId is its own and no other pipeline
 * claimed it. After an ambiguous failure the function leaves the record UNCERTAIN; a later
 * invocation deploys nothing new if the pipeline claimed it, and otherwise supersedes the request id
 * (the old pipeline's claim then fails and it stops) before starting another pipeline.
 */
export const DEPLOY_RECORDS = {
  /** Partition key (string): the versioned model package ARN. */
  partitionKey: 'ModelPackageArn',
  /** Attribute DynamoDB's TTL deletes expired records by (epoch seconds). */
  ttlAttribute: 'ExpiresAt',
  /** How long a record is kept: an approval of the same version after that deploys again. */
  lifetimeDays: 400,
  attributes: {
    /** The current start attempt's marker, passed to the pipeline as DEPLOY_REQUEST_ID (string). */
    requestId: 'RequestId',
    /** The function's view (string): one of DEPLOY_RECORD_STATES. */
    state: 'State',
    /** While IN_PROGRESS: when the owning invocation's time runs out (epoch milliseconds). */
    leaseExpiresAt: 'LeaseExpiresAt',
    /** Start attempts made for this package (number). */
    attempts: 'Attempts',
    /** Request ids replaced by later attempts (string set): their pipelines' claims fail. */
    supersededRequestIds: 'SupersededRequestIds',
    /** The deploy pipeline: from GitLab's answer, or written by the claim (number, string). */
    pipelineId: 'PipelineId',
    pipelineUrl: 'PipelineUrl',
    /** Written by the claim step only: the pipeline allowed to deploy (number) and when (ISO 8601). */
    claimedPipelineId: 'ClaimedPipelineId',
    claimedAt: 'ClaimedAt',
    /** The EventBridge event that created the record, and the last one seen (string). */
    firstEventId: 'FirstEventId',
    lastEventId: 'LastEventId',
    /** Why the last attempt is uncertain (string, no secret). */
    lastError: 'LastError',
    createdAt: 'CreatedAt',
    updatedAt: 'UpdatedAt',
  },
} as const;

/** The function's states: IN_PROGRESS (an invocation holds the lease), UNCERTAIN (GitLab may or may not have started the pipeline), TRIGGERED (GitLab said it did). */
export const DEPLOY_RECORD_STATES = ['IN_PROGRESS', 'UNCERTAIN', 'TRIGGERED'] as const;
export type DeployRecordState = (typeof DEPLOY_RECORD_STATES)[number];
