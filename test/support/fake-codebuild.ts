import { BatchGetBuildsCommand, Build, CodeBuildClient, StartBuildCommand, StartBuildCommandInput } from '@aws-sdk/client-codebuild';
import { FAKE_ACCOUNT_ID } from '../harness/fake-aws';

const REGION = 'us-east-1';

/** How a finished build ends: its status, exported variables and the phases it went through. */
export interface BuildEnd {
  readonly status: 'SUCCEEDED' | 'FAILED' | 'FAULT' | 'STOPPED' | 'TIMED_OUT';
  readonly exported?: Record<string, string>;
  readonly phases?: Array<{ phaseType: string; phaseStatus?: string; message?: string }>;
}

/** Phases of a build that ran all of its phases. */
export const ALL_PHASES: NonNullable<BuildEnd['phases']> = [
  'SUBMITTED',
  'QUEUED',
  'PROVISIONING',
  'DOWNLOAD_SOURCE',
  'INSTALL',
  'PRE_BUILD',
  'BUILD',
  'POST_BUILD',
  'UPLOAD_ARTIFACTS',
  'FINALIZING',
].map((phaseType) => ({ phaseType, phaseStatus: 'SUCCEEDED' }));

/**
 * CodeBuild stubbed at the SDK boundary: a real CodeBuildClient whose `send` answers StartBuild and
 * BatchGetBuilds from memory, as CodeBuild does (a repeated idempotency token returns the same build).
 */
export class FakeCodeBuild {
  readonly client = new CodeBuildClient({ region: REGION, credentials: { accessKeyId: 'AKIAFAKECODEBUILD000', secretAccessKey: 'fake' } });
  readonly starts: StartBuildCommandInput[] = [];
  readonly builds = new Map<string, Build>();
  /** Errors the next calls of a command throw, in order. */
  readonly failures: Record<'StartBuild' | 'BatchGetBuilds', Error[]> = { StartBuild: [], BatchGetBuilds: [] };
  private readonly byToken = new Map<string, string>();
  private count = 0;

  constructor(private readonly projectEnvironment: Record<string, string> = {}) {
    jest.spyOn(this.client, 'send').mockImplementation((async (command: unknown) => this.answer(command)) as never);
  }

  private async answer(command: unknown): Promise<unknown> {
    if (command instanceof StartBuildCommand) {
      const failure = this.failures.StartBuild.shift();
      if (failure) throw failure;
      const input = command.input;
      this.starts.push(input);
      const existing = input.idempotencyToken ? this.byToken.get(input.idempotencyToken) : undefined;
      if (existing) return { build: this.builds.get(existing) };
      const id = `${input.projectName}:0000000${++this.count}-aaaa-bbbb-cccc-dddddddddddd`;
      const overrides = input.environmentVariablesOverride ?? [];
      const build: Build = {
        id,
        arn: `arn:aws:codebuild:${REGION}:${FAKE_ACCOUNT_ID}:build/${id}`,
        projectName: input.projectName,
        buildStatus: 'IN_PROGRESS',
        timeoutInMinutes: 20,
        environment: {
          type: 'LINUX_CONTAINER',
          image: 'aws/codebuild/amazonlinux-x86_64-standard:5.0',
          computeType: 'BUILD_GENERAL1_SMALL',
          environmentVariables: [
            ...Object.entries(this.projectEnvironment)
              .filter(([name]) => !overrides.some((override) => override.name === name))
              .map(([name, value]) => ({ name, value, type: 'PLAINTEXT' as const })),
            ...overrides,
          ],
        },
        logs: { deepLink: `https://console.aws.amazon.com/cloudwatch/home?region=${REGION}#logEvent:group=/smp/runner;stream=${id.split(':')[1]}` },
      };
      this.builds.set(id, build);
      if (input.idempotencyToken) this.byToken.set(input.idempotencyToken, id);
      return { build };
    }
    if (command instanceof BatchGetBuildsCommand) {
      const failure = this.failures.BatchGetBuilds.shift();
      if (failure) throw failure;
      const ids = command.input.ids ?? [];
      return { builds: ids.map((id) => this.builds.get(id)).filter(Boolean), buildsNotFound: ids.filter((id) => !this.builds.has(id)) };
    }
    throw new Error(`FakeCodeBuild does not answer ${(command as { constructor: { name: string } }).constructor.name}`);
  }

  /** The only build started so far. */
  onlyBuild(): Build {
    if (this.builds.size !== 1) throw new Error(`expected one build, found ${this.builds.size}`);
    return [...this.builds.values()][0];
  }

  /** Ends a build and returns the EventBridge event CodeBuild sends for it. */
  finish(id: string, end: BuildEnd) {
    const build = this.builds.get(id);
    if (!build) throw new Error(`no build ${id}`);
    build.buildStatus = end.status;
    build.exportedEnvironmentVariables = Object.entries(end.exported ?? {}).map(([name, value]) => ({ name, value }));
    build.phases = (end.phases ?? ALL_PHASES).map(({ phaseType, phaseStatus, message }) => ({
      phaseType: phaseType as never,
      phaseStatus: phaseStatus as never,
      contexts: message ? [{ statusCode: phaseStatus, message }] : [],
    }));
    return stateChange(build);
  }
}

/** The "CodeBuild Build State Change" event of a build in its current state. */
export function stateChange(build: Build, projectName = build.projectName!) {
  return {
    version: '0',
    id: 'c030038d-8c4d-6141-9545-00ff7b7153aa',
    'detail-type': 'CodeBuild Build State Change',
    source: 'aws.codebuild',
    account: FAKE_ACCOUNT_ID,
    time: '2026-11-30T12:00:00Z',
    region: REGION,
    resources: [build.arn],
    detail: { 'build-status': build.buildStatus, 'project-name': projectName, 'build-id': build.arn, 'additional-information': {} },
  };
}
