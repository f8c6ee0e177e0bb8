import { randomUUID } from 'node:crypto';
import { RequestError } from '../shared/failure';
import type { Logger } from '../shared/log';
import { decideOnRecord, DeployRecord, DeployRecords, StartedPipeline } from './records';

export type DeployTriggerResult =
  | { readonly status: 'ignored'; readonly reason: string }
  | { readonly status: 'started'; readonly modelPackageArn: string; readonly requestId: string; readonly pipelineId: number; readonly pipelineUrl: string }
  | {
      readonly status: 'already-started';
      readonly modelPackageArn: string;
      readonly pipelineId?: number;
      readonly pipelineUrl?: string;
      readonly reason: string;
    }
  | { readonly status: 'in-progress'; readonly modelPackageArn: string; readonly reason: string };

/** GitLab may have started the pipeline: Lambda retries the event, and the retry finds out before starting another. */
export class DeployUncertainError extends Error {
  constructor(message: string, options: { cause: Error }) {
    super(message, options);
    this.name = 'DeployUncertainError';
  }
}

export interface StartDeployDependencies {
  readonly records: DeployRecords;
  /** Starts the deploy pipeline with these pipeline variables (MODEL_PACKAGE_ARN, DEPLOY_REQUEST_ID). */
  readonly startPipeline: (modelPackageArn: string, requestId: string) => Promise<StartedPipeline>;
  readonly log: Logger;
  /** When this invocation's time runs out (epoch ms): the lease it holds on the record ends then. */
  readonly leaseExpiresAt: number;
  /** @default Date.now */
  readonly now?: () => number;
  /** @default crypto.randomUUID */
  readonly newRequestId?: () => string;
}

/** Rounds of read-and-decide against other invocations changing the record at the same moment. */
const MAX_ROUNDS = 4;

/**
 * Takes the package's record (creating it, or superseding an attempt that ended without a pipeline
 * known to have started); returns a result instead when a pipeline was started or another
 * invocation is starting one.
 */
async function takeRecord(
  modelPackageArn: string,
  requestId: string,
  eventId: string,
  dependencies: StartDeployDependencies,
): Promise<DeployTriggerResult | undefined> {
  const { records, log, leaseExpiresAt } = dependencies;
  const now = dependencies.now ?? Date.now;
  if (await records.begin(modelPackageArn, requestId, leaseExpiresAt, eventId)) return undefined;
  for (let round = 1; round <= MAX_ROUNDS; round++) {
    const current: DeployRecord | undefined = await records.read(modelPackageArn);
    if (current === undefined) {
      // Released between the write and the read: start afresh.
      if (await records.begin(modelPackageArn, requestId, leaseExpiresAt, eventId)) return undefined;
      continue;
    }
    // Our own write landed although its answer was lost.
    if (current.requestId === requestId) return undefined;
    const decision = decideOnRecord(current, now());
    if (decision.action === 'done') {
      log.info(`Deploy already started: ${decision.reason}`, { modelPackageArn, pipelineId: decision.pipeline?.id, pipelineUrl: decision.pipeline?.webUrl });
      return { status: 'already-started', modelPackageArn, pipelineId: decision.pipeline?.id, pipelineUrl: decision.pipeline?.webUrl, reason: decision.reason };
    }
    if (decision.action === 'wait') {
      log.info(`Deploy left to another invocation: ${decision.reason}`, { modelPackageArn });
      return { status: 'in-progress', modelPackageArn, reason: decision.reason };
    }
    log.warn(`Taking over the deploy: ${decision.reason}; superseding request ${current.requestId}, whose pipeline will stop at its claim if it exists`, {
      modelPackageArn,
      supersededRequestId: current.requestId,
      requestId,
    });
    if (await records.supersede(current, requestId, leaseExpiresAt, eventId)) return undefined;
  }
  throw new Error(`The deploy record of ${modelPackageArn} changed ${MAX_ROUNDS} times while this invocation read it; Lambda retries the event.`);
}

/**
 * One deploy pipeline per model package version, whatever is delivered how often: see
 * contract/deploy-records.ts for the protocol. Throws (so Lambda retries the event and, in the end,
 * hands it to the failure queue) on any failure; after an ambiguous one the record says so.
 */
export async function startDeployOnce(modelPackageArn: string, eventId: string, dependencies: StartDeployDependencies): Promise<DeployTriggerResult> {
  const { records, log } = dependencies;
  const requestId = (dependencies.newRequestId ?? randomUUID)();
  const settled = await takeRecord(modelPackageArn, requestId, eventId, dependencies);
  if (settled) return settled;
  let pipeline: StartedPipeline;
  try {
    pipeline = await dependencies.startPipeline(modelPackageArn, requestId);
  } catch (error) {
    if (error instanceof RequestError && error.advice === 'ambiguous') {
      await records.markUncertain(modelPackageArn, requestId, error.message);
      throw new DeployUncertainError(
        `Starting the deploy pipeline for ${modelPackageArn} may or may not have worked (DEPLOY_REQUEST_ID=${requestId}): ${error.message}. ` +
          'Lambda retries this event; the retry starts another pipeline only if this one has not claimed the deploy record by then, and a superseded pipeline stops at its claim.',
        { cause: error },
      );
    }
    await records.release(modelPackageArn, requestId);
    throw error;
  }
  if (!(await records.markTriggered(modelPackageArn, requestId, pipeline))) {
    log.warn('Another invocation superseded this request while GitLab started its pipeline: that pipeline stops at its claim', {
      modelPackageArn,
      requestId,
      pipelineId: pipeline.id,
    });
  }
  log.info('Deploy pipeline started', { modelPackageArn, requestId, pipelineId: pipeline.id, pipelineUrl: pipeline.webUrl });
  return { status: 'started', modelPackageArn, requestId, pipelineId: pipeline.id, pipelineUrl: pipeline.webUrl };
}
