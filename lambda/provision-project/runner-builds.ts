import { BatchGetBuildsCommand, Build, CodeBuildClient, StartBuildCommand } from '@aws-sdk/client-codebuild';
import { BUILD_VARIABLES, BuildRequestContext, REQUEST_TYPES } from '../../contract/provisioner';
import { RunnerBuild } from './decide';

/** The two CodeBuild calls the function makes, on its one project. */
export interface RunnerBuilds {
  /** StartBuild with environment overrides; the token makes a repeated call return the same build. */
  start(projectName: string, idempotencyToken: string, variables: Record<string, string>): Promise<{ buildId: string }>;
  /** BatchGetBuilds of one build; undefined when CodeBuild does not know it. */
  get(buildId: string): Promise<RunnerBuild | undefined>;
}

/** The request context a build carries in its environment, or undefined when it carries none (or garbage). */
function requestOf(build: Build): BuildRequestContext | undefined {
  const variable = build.environment?.environmentVariables?.find((candidate) => candidate.name === BUILD_VARIABLES.cloudFormationRequest);
  if (!variable?.value) return undefined;
  try {
    const parsed = JSON.parse(variable.value) as Partial<BuildRequestContext>;
    const fields = [parsed.ResponseURL, parsed.StackId, parsed.RequestId, parsed.LogicalResourceId, parsed.PhysicalResourceId];
    if (!(REQUEST_TYPES as readonly unknown[]).includes(parsed.RequestType) || fields.some((field) => typeof field !== 'string')) return undefined;
    return parsed as BuildRequestContext;
  } catch {
    return undefined;
  }
}

/** A CodeBuild build as the decision reads it. */
export function runnerBuildOf(build: Build): RunnerBuild {
  return {
    id: build.id ?? '?',
    status: build.buildStatus ?? 'UNKNOWN',
    request: requestOf(build),
    exported: Object.fromEntries((build.exportedEnvironmentVariables ?? []).map((variable) => [variable.name ?? '', variable.value ?? ''])),
    phases: (build.phases ?? []).map((phase) => ({
      type: phase.phaseType ?? '?',
      status: phase.phaseStatus,
      message:
        phase.contexts
          ?.map((context) => context.message)
          .filter(Boolean)
          .join('; ') || undefined,
    })),
    timeoutMinutes: build.timeoutInMinutes,
    logLink: build.logs?.deepLink,
  };
}

/** RunnerBuilds over the AWS SDK's CodeBuild client. */
export function codeBuildRunnerBuilds(client: CodeBuildClient): RunnerBuilds {
  return {
    async start(projectName, idempotencyToken, variables) {
      const { build } = await client.send(
        new StartBuildCommand({
          projectName,
          idempotencyToken,
          environmentVariablesOverride: Object.entries(variables).map(([name, value]) => ({ name, value, type: 'PLAINTEXT' })),
        }),
      );
      if (!build?.id) throw new Error(`StartBuild of ${projectName} returned no build id`);
      return { buildId: build.id };
    },
    async get(buildId) {
      const { builds } = await client.send(new BatchGetBuildsCommand({ ids: [buildId] }));
      const build = builds?.find((candidate) => candidate.id === buildId);
      return build ? runnerBuildOf(build) : undefined;
    },
  };
}
