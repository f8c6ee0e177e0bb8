import { CodeBuildClient } from '@aws-sdk/client-codebuild';
import { PROVISIONER_SETTINGS } from '../../contract/provisioner';
import { requiredSetting } from '../shared/environment';
import { redact } from '../shared/failure';
import { createLogger, Logger } from '../shared/log';
import { putResponse, RequestIdentity, responseBody } from './cloudformation-response';
import { Answer, CloudFormationRequest, decideBuild, decideCrashedRequest, decideRequest, decideStartFailure } from './decide';
import { buildIdOf, BuildStateChange, invocationError, isBuildStateChange, isCloudFormationRequest, isInvocationRecord, isQueueEvent } from './events';
import { codeBuildRunnerBuilds, RunnerBuilds } from './runner-builds';

/** `env` holds PROVISIONER_SETTINGS. */
export interface ProvisionDependencies {
  readonly builds: RunnerBuilds;
  readonly env: NodeJS.ProcessEnv;
  /** PUTs a response body to a response URL. @default putResponse (https only) */
  readonly respond?: (url: string, body: string) => Promise<void>;
  /** Where log lines go. @default console.log */
  readonly write?: (line: string) => void;
}

/** What one invocation did, for the log and the tests. */
export type ProvisionOutcome =
  | { readonly kind: 'answered'; readonly answer: Answer }
  | { readonly kind: 'build-started'; readonly buildId: string }
  | { readonly kind: 'ignored'; readonly reason: string }
  | { readonly kind: 'records'; readonly outcomes: ProvisionOutcome[] };

/**
 * The provisioning function of the CodeBuild engine: one handler for three event shapes.
 * - A CloudFormation custom resource request: answer at once (invalid properties, nothing to delete)
 *   or start a build of the runner project that carries the request.
 * - A "CodeBuild Build State Change" event of that project: when the build has finished, read it and
 *   answer the request it carries.
 * - Messages of the failure queue (Lambda's on-failure records, EventBridge's undelivered events):
 *   answer FAILED for a request whose invocation crashed; handle an event again.
 * Errors are thrown (never turned into a success), so Lambda hands the event to the failure queue.
 */
export function createProvisionHandler(dependencies: ProvisionDependencies) {
  const respond = dependencies.respond ?? ((url: string, body: string) => putResponse(url, body));
  const logger = (fields: Record<string, string | undefined>) => createLogger({ function: 'provision-project', ...fields }, dependencies.write);

  const answer = async (log: Logger, url: string, identity: RequestIdentity, result: Answer): Promise<ProvisionOutcome> => {
    await respond(url, responseBody(identity, result));
    log.info(`Answered ${result.Status}`, { physicalResourceId: result.PhysicalResourceId, reason: result.Reason });
    return { kind: 'answered', answer: result };
  };

  const onRequest = async (request: CloudFormationRequest): Promise<ProvisionOutcome> => {
    const log = logger({ stackId: request.StackId, requestId: request.RequestId, requestType: request.RequestType });
    const decision = decideRequest(request);
    if (decision.kind === 'answer') return answer(log, request.ResponseURL, request, decision.answer);
    const project = requiredSetting(dependencies.env, PROVISIONER_SETTINGS.runnerProject);
    let buildId: string;
    try {
      ({ buildId } = await dependencies.builds.start(project, decision.build.idempotencyToken, decision.build.variables));
    } catch (error) {
      // The request's overrides carry the presigned response URL: an SDK message may echo it.
      const message = redact((error as Error).message, [request.ResponseURL, request.ResponseURL.split('?')[1] ?? '']);
      return answer(log, request.ResponseURL, request, decideStartFailure(request, `StartBuild of ${project}: ${(error as Error).name}: ${message}`));
    }
    log.info(`Started terraform ${decision.build.action}`, { buildId });
    return { kind: 'build-started', buildId };
  };

  const onBuildEvent = async (event: BuildStateChange): Promise<ProvisionOutcome> => {
    const { 'project-name': projectName } = event.detail;
    const buildId = buildIdOf(event);
    const log = logger({ buildId });
    const project = requiredSetting(dependencies.env, PROVISIONER_SETTINGS.runnerProject);
    if (projectName !== project) return ignored(log, `build of project ${projectName}, not of ${project}`);
    // The event names the project and the build apart: a forged event (the failure queue takes any
    // message) could name this project with another project's build, whose request would be answered.
    if (!buildId.startsWith(`${project}:`)) return ignored(log, `build ${buildId}, not of ${project}`);
    const build = await dependencies.builds.get(buildId);
    if (!build) return ignored(log, `CodeBuild does not know build ${buildId}`);
    const decision = decideBuild(build);
    if (decision.kind === 'ignore') return ignored(log, decision.reason);
    const requestLog = logger({ buildId, stackId: decision.context.StackId, requestId: decision.context.RequestId, requestType: decision.context.RequestType });
    return answer(requestLog, decision.context.ResponseURL, decision.context, decision.answer);
  };

  const onFailureMessage = async (body: string): Promise<ProvisionOutcome> => {
    const log = logger({});
    let message: unknown;
    try {
      message = JSON.parse(body);
    } catch {
      return ignored(log, 'a failure-queue message that is not JSON');
    }
    const payload = isInvocationRecord(message) ? message.requestPayload : message;
    if (isBuildStateChange(payload)) return onBuildEvent(payload);
    if (isCloudFormationRequest(payload) && isInvocationRecord(message)) {
      const requestLog = logger({ stackId: payload.StackId, requestId: payload.RequestId, requestType: payload.RequestType });
      return answer(requestLog, payload.ResponseURL, payload, decideCrashedRequest(payload, invocationError(message)));
    }
    return ignored(log, 'a failure-queue message that holds neither a CloudFormation request nor a build event');
  };

  return async (event: unknown): Promise<ProvisionOutcome> => {
    if (isCloudFormationRequest(event)) return onRequest(event);
    if (isBuildStateChange(event)) return onBuildEvent(event);
    if (isQueueEvent(event)) {
      const outcomes: ProvisionOutcome[] = [];
      for (const record of event.Records) outcomes.push(await onFailureMessage(record.body));
      return { kind: 'records', outcomes };
    }
    return ignored(logger({}), 'an event that is neither a CloudFormation request, a CodeBuild build state change nor a failure-queue message');
  };
}

function ignored(log: Logger, reason: string): ProvisionOutcome {
  log.warn(`Ignored ${reason}`);
  return { kind: 'ignored', reason };
}

export const handler = createProvisionHandler({ builds: codeBuildRunnerBuilds(new CodeBuildClient({})), env: process.env });
