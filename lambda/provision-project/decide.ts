import { PROJECT_PARAMETERS, runnerKeyOf } from '../../contract/project-parameters';
import { BUILD_EXPORTS, BUILD_VARIABLES, BuildRequestContext, CHANGING_STEP, RequestType } from '../../contract/provisioner';
import { RUNNER_SETTINGS, terraformCodeKey } from '../../contract/runner';
import { checkProperties, ProjectProperties, runnerValues } from './properties';

/** A CloudFormation custom resource request, as CloudFormation sends it. */
export interface CloudFormationRequest {
  readonly RequestType: RequestType;
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly ResourceType: string;
  readonly LogicalResourceId: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties?: Record<string, unknown>;
  readonly OldResourceProperties?: Record<string, unknown>;
}

/** What the function tells CloudFormation about one request. */
export interface Answer {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly Reason: string;
  readonly PhysicalResourceId: string;
}

/** A run of the runner build the function starts for one request. */
export interface BuildPlan {
  readonly action: 'apply' | 'destroy';
  /** Environment overrides of the build: parameter keys, the script checksum and the request context. */
  readonly variables: Record<string, string>;
  /** CodeBuild's StartBuild idempotency token: a repeated delivery of the request starts no second build. */
  readonly idempotencyToken: string;
}

export type RequestDecision = { readonly kind: 'answer'; readonly answer: Answer } | { readonly kind: 'start-build'; readonly build: BuildPlan };

/** A finished (or running) runner build, as far as the answer depends on it. */
export interface RunnerBuild {
  readonly id: string;
  readonly status: string;
  /** The request the build answers; undefined for a build this function did not start. */
  readonly request?: BuildRequestContext;
  readonly exported: Readonly<Record<string, string>>;
  /** The phases the build went through, in order, with the status and message of each. */
  readonly phases: ReadonlyArray<{ readonly type: string; readonly status?: string; readonly message?: string }>;
  readonly timeoutMinutes?: number;
  /** Console link to the build's log. */
  readonly logLink?: string;
}

export type BuildDecision =
  { readonly kind: 'answer'; readonly context: BuildRequestContext; readonly answer: Answer } | { readonly kind: 'ignore'; readonly reason: string };

/** Physical id of the resource of one SageMaker project: the same across updates, named after the project id. */
export const projectPhysicalId = (projectId: string) => `sagemaker-project/${projectId}`;

/** Physical id of a Create that failed before it changed anything: its Delete has nothing to destroy. */
export const NOTHING_CREATED_PREFIX = 'nothing-created/';
export const nothingCreatedPhysicalId = (requestId: string) => `${NOTHING_CREATED_PREFIX}${requestId}`;

/** The physical id the request names; a request that names none answers with the nothing-created id. */
const givenPhysicalId = (request: CloudFormationRequest) => request.PhysicalResourceId ?? nothingCreatedPhysicalId(request.RequestId);

const TERRAFORM_ACTION_KEY = runnerKeyOf(PROJECT_PARAMETERS.find((parameter) => parameter.name === 'TerraformAction')!);

const failed = (reason: string, physicalResourceId: string): RequestDecision => ({
  kind: 'answer',
  answer: { Status: 'FAILED', Reason: reason, PhysicalResourceId: physicalResourceId },
});

/** What a Create, Update or Delete asks for, decided from the request alone (no I/O). */
export function decideRequest(request: CloudFormationRequest): RequestDecision {
  const check = checkProperties(request.ResourceProperties);
  const invalid = check.ok ? '' : `Invalid properties of ${request.LogicalResourceId}: ${check.problems.join('; ')}.`;

  if (request.RequestType === 'Delete') {
    const physicalId = givenPhysicalId(request);
    if (physicalId.startsWith(NOTHING_CREATED_PREFIX)) {
      return {
        kind: 'answer',
        answer: {
          Status: 'SUCCESS',
          Reason: 'Nothing to delete: the Create of this resource failed before it changed anything.',
          PhysicalResourceId: physicalId,
        },
      };
    }
    // Properties that never passed the check never started a run, so there is nothing to destroy.
    if (!check.ok)
      return {
        kind: 'answer',
        answer: { Status: 'SUCCESS', Reason: `Nothing to delete: no run was ever started with these properties. ${invalid}`, PhysicalResourceId: physicalId },
      };
    return startBuild(request, 'destroy', check.properties, physicalId);
  }

  if (request.RequestType === 'Update') {
    const physicalId = givenPhysicalId(request);
    if (!check.ok) return failed(invalid, physicalId);
    const before = checkProperties(request.OldResourceProperties);
    if (before.ok && before.properties.projectId !== check.properties.projectId) {
      return failed(
        `SageMakerProjectId cannot change (from ${before.properties.projectId} to ${check.properties.projectId}): the project id names the project's Terraform state; create a new project instead.`,
        physicalId,
      );
    }
    return startBuild(request, 'apply', check.properties, physicalId);
  }

  if (!check.ok) return failed(invalid, nothingCreatedPhysicalId(request.RequestId));
  return startBuild(request, 'apply', check.properties, projectPhysicalId(check.properties.projectId));
}

function startBuild(request: CloudFormationRequest, action: BuildPlan['action'], properties: ProjectProperties, physicalId: string): RequestDecision {
  const context: BuildRequestContext = {
    RequestType: request.RequestType,
    ResponseURL: request.ResponseURL,
    StackId: request.StackId,
    RequestId: request.RequestId,
    LogicalResourceId: request.LogicalResourceId,
    PhysicalResourceId: physicalId,
  };
  return {
    kind: 'start-build',
    build: {
      action,
      idempotencyToken: request.RequestId,
      variables: {
        ...runnerValues(properties),
        [TERRAFORM_ACTION_KEY]: action,
        [RUNNER_SETTINGS.codeKey]: terraformCodeKey(properties.terraformCodeSha256),
        [RUNNER_SETTINGS.codeSha256]: properties.terraformCodeSha256,
        [RUNNER_SETTINGS.stackId]: request.StackId,
        [BUILD_VARIABLES.runnerScriptSha256]: properties.runnerScriptSha256,
        [BUILD_VARIABLES.cloudFormationRequest]: JSON.stringify(context),
      },
    },
  };
}

/** Build statuses that end a build (CodeBuild's StatusType without IN_PROGRESS). */
export const FINISHED_STATUSES = ['SUCCEEDED', 'FAILED', 'FAULT', 'STOPPED', 'TIMED_OUT'];

/** The phase the run script executes in: a build that never reached it changed nothing. */
const RUN_PHASE = 'BUILD';

const withLog = (text: string, build: RunnerBuild) => `${text} Build ${build.id}${build.logLink ? `; log: ${build.logLink}` : ''}`;

/** Why a finished build did not apply or destroy, for CloudFormation (and so for Studio). */
function failureReason(build: RunnerBuild, expected: string): string {
  const result = build.exported[BUILD_EXPORTS.result];
  const step = build.exported[BUILD_EXPORTS.failedStep];
  if (build.status === 'SUCCEEDED') {
    if (result === 'failed' && step) return withLog(`Terraform ${expected === 'applied' ? 'apply' : 'destroy'} failed at step "${step}".`, build);
    return withLog(`The runner build finished without the result "${expected}" (result: ${result || 'none'}).`, build);
  }
  if (build.status === 'TIMED_OUT') {
    const phase = build.phases.find((candidate) => candidate.status === 'TIMED_OUT')?.type;
    const queued =
      phase === 'QUEUED' ? 'waited in the queue longer than its queued timeout' : `ran longer than its ${build.timeoutMinutes ?? '?'}-minute timeout`;
    return withLog(`The runner build ${queued}${phase ? ` (phase ${phase})` : ''}, so CodeBuild stopped it.`, build);
  }
  if (build.status === 'STOPPED') return withLog('The runner build was stopped before it finished.', build);
  const phase = build.phases.find((candidate) => candidate.status !== undefined && candidate.status !== 'SUCCEEDED');
  const where = phase ? ` in phase ${phase.type}${phase.message ? ` (${phase.message})` : ''}` : '';
  return withLog(`The runner build ended ${build.status}${where}.`, build);
}

/** True when a failed Create may have left resources behind: its Delete must run destroy. */
function createMayHaveChanged(build: RunnerBuild): boolean {
  if (!build.phases.some((phase) => phase.type === RUN_PHASE)) return false;
  const step = build.exported[BUILD_EXPORTS.failedStep];
  return !step || CHANGING_STEP.test(step);
}

/** The answer a finished runner build gives CloudFormation (no I/O). */
export function decideBuild(build: RunnerBuild): BuildDecision {
  if (!FINISHED_STATUSES.includes(build.status)) return { kind: 'ignore', reason: `build ${build.id} is ${build.status}, not finished` };
  const context = build.request;
  if (!context) return { kind: 'ignore', reason: `build ${build.id} carries no CloudFormation request: it was not started by this function` };
  const expected = context.RequestType === 'Delete' ? 'destroyed' : 'applied';
  if (build.status === 'SUCCEEDED' && build.exported[BUILD_EXPORTS.result] === expected) {
    return {
      kind: 'answer',
      context,
      answer: { Status: 'SUCCESS', Reason: `Terraform ${expected} (build ${build.id}).`, PhysicalResourceId: context.PhysicalResourceId },
    };
  }
  const physicalId =
    context.RequestType === 'Create' && !createMayHaveChanged(build) ? nothingCreatedPhysicalId(context.RequestId) : context.PhysicalResourceId;
  return { kind: 'answer', context, answer: { Status: 'FAILED', Reason: failureReason(build, expected), PhysicalResourceId: physicalId } };
}

/** The answer for a request whose build could not be started: no build runs, so a Create changed nothing. */
export function decideStartFailure(request: CloudFormationRequest, error: string): Answer {
  const physicalId = request.RequestType === 'Create' ? nothingCreatedPhysicalId(request.RequestId) : givenPhysicalId(request);
  return { Status: 'FAILED', Reason: `The runner build could not be started (${error}).`, PhysicalResourceId: physicalId };
}

/**
 * The answer for a request whose invocation crashed (an error, a timeout or an event too old, as
 * Lambda's on-failure record tells). A Create that may have started its build answers with the
 * project's physical id, so CloudFormation's rollback Delete destroys whatever the build made.
 */
export function decideCrashedRequest(request: CloudFormationRequest, error: string): Answer {
  const reason = `The provisioning function failed while handling this ${request.RequestType} (${error}); its log group has the details.`;
  if (request.RequestType !== 'Create') return { Status: 'FAILED', Reason: reason, PhysicalResourceId: givenPhysicalId(request) };
  const check = checkProperties(request.ResourceProperties);
  return {
    Status: 'FAILED',
    Reason: reason,
    PhysicalResourceId: check.ok ? projectPhysicalId(check.properties.projectId) : nothingCreatedPhysicalId(request.RequestId),
  };
}
