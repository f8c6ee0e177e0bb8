import { AttributeValue, DeleteItemCommand, DynamoDBClient, GetItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { DEPLOY_RECORDS, DeployRecordState } from '../../contract/deploy-records';
import { callAws, isAwsError } from '../shared/aws';
import type { RetryContext } from '../shared/retry';

const A = DEPLOY_RECORDS.attributes;

/** A deploy record as the function reads it (contract/deploy-records.ts). */
export interface DeployRecord {
  readonly modelPackageArn: string;
  readonly requestId: string;
  readonly state: DeployRecordState;
  /** Epoch milliseconds; set while IN_PROGRESS. */
  readonly leaseExpiresAt?: number;
  readonly attempts: number;
  readonly pipelineId?: number;
  readonly pipelineUrl?: string;
  readonly claimedPipelineId?: number;
}

export interface StartedPipeline {
  readonly id: number;
  readonly webUrl: string;
}

export type RecordDecision =
  /** A pipeline was started for the package: nothing to do. */
  | { readonly action: 'done'; readonly pipeline?: StartedPipeline; readonly reason: string }
  /** Another invocation holds the record and still has time: leave the package to it. */
  | { readonly action: 'wait'; readonly reason: string }
  /** The last attempt ended without a pipeline known to have started: replace its request id and start one. */
  | { readonly action: 'take-over'; readonly reason: string };

/** What to do about a package whose record exists (pure: the record and the time decide). */
export function decideOnRecord(record: DeployRecord, now: number): RecordDecision {
  if (record.claimedPipelineId !== undefined) {
    return {
      action: 'done',
      pipeline: { id: record.claimedPipelineId, webUrl: record.pipelineUrl ?? '' },
      reason: `pipeline ${record.claimedPipelineId} claimed it`,
    };
  }
  if (record.state === 'TRIGGERED') {
    const pipeline = record.pipelineId === undefined ? undefined : { id: record.pipelineId, webUrl: record.pipelineUrl ?? '' };
    return { action: 'done', pipeline, reason: `GitLab started pipeline ${record.pipelineId ?? '?'} for it` };
  }
  const leaseLeftMs = (record.leaseExpiresAt ?? 0) - now;
  if (record.state === 'IN_PROGRESS' && leaseLeftMs > 0) {
    return {
      action: 'wait',
      reason: `another invocation is starting its pipeline (request ${record.requestId}, for ${Math.ceil(leaseLeftMs / 1000)} s more)`,
    };
  }
  return {
    action: 'take-over',
    reason:
      record.state === 'UNCERTAIN'
        ? `the last attempt (request ${record.requestId}) may have started a pipeline, but none has claimed the record`
        : `the attempt holding the record (request ${record.requestId}) ran out of time`,
  };
}

const s = (value: string): AttributeValue => ({ S: value });
const n = (value: number): AttributeValue => ({ N: String(value) });

function toRecord(item: Record<string, AttributeValue>): DeployRecord {
  const number = (name: string) => (item[name]?.N === undefined ? undefined : Number(item[name].N));
  return {
    modelPackageArn: item[DEPLOY_RECORDS.partitionKey]?.S ?? '',
    requestId: item[A.requestId]?.S ?? '',
    state: (item[A.state]?.S ?? 'IN_PROGRESS') as DeployRecordState,
    leaseExpiresAt: number(A.leaseExpiresAt),
    attempts: number(A.attempts) ?? 0,
    pipelineId: number(A.pipelineId),
    pipelineUrl: item[A.pipelineUrl]?.S,
    claimedPipelineId: number(A.claimedPipelineId),
  };
}

/**
 * The project's deploy records table through conditional writes: each write states what it expects
 * the record to be and reports whether it applied. A write retried after an ambiguous failure finds
 * its own first write and reports false; callers read the record to tell.
 */
export class DeployRecords {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
    private readonly retry: RetryContext,
    private readonly now: () => number = Date.now,
  ) {}

  private key(modelPackageArn: string) {
    return { [DEPLOY_RECORDS.partitionKey]: s(modelPackageArn) };
  }

  /** Runs a conditional write: true when it applied, false when its condition did not hold. */
  private async conditional(operation: string, command: PutItemCommand | UpdateItemCommand | DeleteItemCommand): Promise<boolean> {
    try {
      await callAws(`DynamoDB.${operation}`, (abortSignal) => this.client.send(command as UpdateItemCommand, { abortSignal }), this.retry, {
        idempotent: true,
      });
      return true;
    } catch (error) {
      if (isAwsError(error, 'ConditionalCheckFailedException')) return false;
      throw error;
    }
  }

  /** The record, read consistently (DynamoDB may not return it with a failed condition; dynalite never does). */
  async read(modelPackageArn: string): Promise<DeployRecord | undefined> {
    const { Item } = await callAws(
      'DynamoDB.GetItem',
      (abortSignal) => this.client.send(new GetItemCommand({ TableName: this.table, Key: this.key(modelPackageArn), ConsistentRead: true }), { abortSignal }),
      this.retry,
      { idempotent: true },
    );
    return Item ? toRecord(Item) : undefined;
  }

  /** Creates the record of a first attempt, holding a lease until `leaseExpiresAt`; false when a record exists. */
  begin(modelPackageArn: string, requestId: string, leaseExpiresAt: number, eventId: string): Promise<boolean> {
    const now = this.now();
    const at = new Date(now).toISOString();
    return this.conditional(
      'PutItem',
      new PutItemCommand({
        TableName: this.table,
        Item: {
          ...this.key(modelPackageArn),
          [A.requestId]: s(requestId),
          [A.state]: s('IN_PROGRESS'),
          [A.leaseExpiresAt]: n(leaseExpiresAt),
          [A.attempts]: n(1),
          [A.firstEventId]: s(eventId),
          [A.lastEventId]: s(eventId),
          [A.createdAt]: s(at),
          [A.updatedAt]: s(at),
          [DEPLOY_RECORDS.ttlAttribute]: n(Math.floor(now / 1000) + DEPLOY_RECORDS.lifetimeDays * 86400),
        },
        ConditionExpression: 'attribute_not_exists(#key)',
        ExpressionAttributeNames: { '#key': DEPLOY_RECORDS.partitionKey },
      }),
    );
  }

  /**
   * Replaces the request id `previous.requestId` by `requestId` and takes the lease, unless the record
   * changed since it was read: claimed, triggered, or taken over by another invocation.
   */
  supersede(previous: DeployRecord, requestId: string, leaseExpiresAt: number, eventId: string): Promise<boolean> {
    const now = this.now();
    return this.conditional(
      'UpdateItem',
      new UpdateItemCommand({
        TableName: this.table,
        Key: this.key(previous.modelPackageArn),
        ConditionExpression: '#requestId = :previous AND attribute_not_exists(#claimed) AND #state <> :triggered AND (#state = :uncertain OR #lease < :now)',
        UpdateExpression:
          'SET #requestId = :requestId, #state = :inProgress, #lease = :lease, #attempts = #attempts + :one, #lastEvent = :event, #updated = :updated ' +
          'REMOVE #lastError ADD #superseded :previousSet',
        ExpressionAttributeNames: {
          '#requestId': A.requestId,
          '#claimed': A.claimedPipelineId,
          '#state': A.state,
          '#lease': A.leaseExpiresAt,
          '#attempts': A.attempts,
          '#lastEvent': A.lastEventId,
          '#updated': A.updatedAt,
          '#lastError': A.lastError,
          '#superseded': A.supersededRequestIds,
        },
        ExpressionAttributeValues: {
          ':previous': s(previous.requestId),
          ':previousSet': { SS: [previous.requestId] },
          ':triggered': s('TRIGGERED'),
          ':uncertain': s('UNCERTAIN'),
          ':inProgress': s('IN_PROGRESS'),
          ':now': n(now),
          ':requestId': s(requestId),
          ':lease': n(leaseExpiresAt),
          ':one': n(1),
          ':event': s(eventId),
          ':updated': s(new Date(now).toISOString()),
        },
      }),
    );
  }

  /** Records the pipeline GitLab started for `requestId`; false when another request superseded it meanwhile. */
  markTriggered(modelPackageArn: string, requestId: string, pipeline: StartedPipeline): Promise<boolean> {
    return this.updateOwn(
      modelPackageArn,
      requestId,
      'SET #state = :state, #pipelineId = :pipelineId, #pipelineUrl = :pipelineUrl, #updated = :updated REMOVE #lease, #lastError',
      {
        names: { '#state': A.state, '#pipelineId': A.pipelineId, '#pipelineUrl': A.pipelineUrl, '#lease': A.leaseExpiresAt, '#lastError': A.lastError },
        values: { ':state': s('TRIGGERED'), ':pipelineId': n(pipeline.id), ':pipelineUrl': s(pipeline.webUrl) },
      },
    );
  }

  /** Leaves the record to a later invocation: GitLab may or may not have started the pipeline of `requestId`. */
  markUncertain(modelPackageArn: string, requestId: string, reason: string): Promise<boolean> {
    return this.updateOwn(modelPackageArn, requestId, 'SET #state = :state, #lastError = :reason, #updated = :updated REMOVE #lease', {
      names: { '#state': A.state, '#lastError': A.lastError, '#lease': A.leaseExpiresAt },
      values: { ':state': s('UNCERTAIN'), ':reason': s(reason.slice(0, 1000)) },
    });
  }

  /** Deletes the record of `requestId` after a definite failure, so a replay of the event starts afresh. */
  release(modelPackageArn: string, requestId: string): Promise<boolean> {
    return this.conditional(
      'DeleteItem',
      new DeleteItemCommand({
        TableName: this.table,
        Key: this.key(modelPackageArn),
        ConditionExpression: '#requestId = :requestId AND attribute_not_exists(#claimed)',
        ExpressionAttributeNames: { '#requestId': A.requestId, '#claimed': A.claimedPipelineId },
        ExpressionAttributeValues: { ':requestId': s(requestId) },
      }),
    );
  }

  private updateOwn(
    modelPackageArn: string,
    requestId: string,
    updateExpression: string,
    expression: { names: Record<string, string>; values: Record<string, AttributeValue> },
  ): Promise<boolean> {
    return this.conditional(
      'UpdateItem',
      new UpdateItemCommand({
        TableName: this.table,
        Key: this.key(modelPackageArn),
        ConditionExpression: '#requestId = :requestId',
        UpdateExpression: updateExpression,
        ExpressionAttributeNames: { ...expression.names, '#requestId': A.requestId, '#updated': A.updatedAt },
        ExpressionAttributeValues: { ...expression.values, ':requestId': s(requestId), ':updated': s(new Date(this.now()).toISOString()) },
      }),
    );
  }
}
