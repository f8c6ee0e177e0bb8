/**
 * The CodeBuild engine's provisioning function against CloudFormation's protocol: a local HTTP server
 * receives the response PUTs, CodeBuild is stubbed at the SDK boundary (a real CodeBuildClient).
 */
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { putResponse, responseBody, RESPONSE_MAX_BYTES } from '../../lambda/provision-project/cloudformation-response';
import { CloudFormationRequest, decideRequest } from '../../lambda/provision-project/decide';
import { createProvisionHandler } from '../../lambda/provision-project/handler';
import { codeBuildRunnerBuilds } from '../../lambda/provision-project/runner-builds';
import { ALL_PHASES, FakeCodeBuild, stateChange } from '../support/fake-codebuild';
import { ResponseServer } from '../support/response-server';

const RUNNER_PROJECT = 'example-dev-mlops-terraform-runner';
const STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/SC-123456789012-pp-abcdefghijklm/11111111-2222-3333-4444-555555555555';
const PROJECT_ID = 'p-abcdefghijkl';
const CODE_SHA = 'c'.repeat(64);
const SCRIPT_SHA = 'd'.repeat(64);
const PROPERTIES = {
  ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:example-dev-mlops-provision-project',
  ServiceTimeout: '1800',
  SageMakerProjectName: 'churn',
  SageMakerProjectId: PROJECT_ID,
  GitBuildRepoName: '',
  GitDeployRepoName: 'churn-deploy',
  TerraformCodeSha256: CODE_SHA,
  RunnerScriptSha256: SCRIPT_SHA,
};
const PROJECT_PHYSICAL_ID = `sagemaker-project/${PROJECT_ID}`;

let server: ResponseServer;
let codebuild: FakeCodeBuild;
let logLines: string[];

beforeEach(async () => {
  server = new ResponseServer();
  await server.start();
  codebuild = new FakeCodeBuild({ TF_STATE_BUCKET: 'example-dev-mlops-tfstate', ARTIFACT_BUCKET_ON_DELETE: 'empty' });
  logLines = [];
});

afterEach(() => server.stop());

const handler = () =>
  createProvisionHandler({
    builds: codeBuildRunnerBuilds(codebuild.client),
    env: { RUNNER_PROJECT_NAME: RUNNER_PROJECT },
    respond: (url, body) => putResponse(url, body, { allowHttp: true }),
    write: (line) => logLines.push(line),
  });

function request(type: CloudFormationRequest['RequestType'], requestId: string, overrides: Partial<CloudFormationRequest> = {}): CloudFormationRequest {
  return {
    RequestType: type,
    ResponseURL: server.url(requestId),
    StackId: STACK_ID,
    RequestId: requestId,
    ResourceType: 'Custom::SageMakerProjectTerraform',
    LogicalResourceId: 'TerraformRun',
    ResourceProperties: PROPERTIES,
    ...overrides,
  };
}

const APPLIED = { RUNNER_RESULT: 'applied', RUNNER_FAILED_STEP: '' };
const DESTROYED = { RUNNER_RESULT: 'destroyed', RUNNER_FAILED_STEP: '' };
const failedAt = (step: string) => ({ RUNNER_RESULT: 'failed', RUNNER_FAILED_STEP: step });

/** Sends a request, lets its build end as given, delivers CodeBuild's event; returns the one response. */
async function runRequest(cfnRequest: CloudFormationRequest, end: Parameters<FakeCodeBuild['finish']>[1]) {
  const started = await handler()(cfnRequest);
  expect(started.kind).toBe('build-started');
  const build = [...codebuild.builds.values()].pop()!;
  await handler()(codebuild.finish(build.id!, end));
  const responses = server.responsesTo(cfnRequest.RequestId);
  expect(responses).toHaveLength(1);
  return { response: responses[0], build };
}

const identity = (requestId: string) => ({ StackId: STACK_ID, RequestId: requestId, LogicalResourceId: 'TerraformRun' });

describe('Create, Update and Delete', () => {
  test("Create starts one apply build with the contract's keys, and its success answers SUCCESS with the project's physical id", async () => {
    const { response, build } = await runRequest(request('Create', 'req-create'), { status: 'SUCCEEDED', exported: APPLIED });
    expect(response).toEqual({
      Status: 'SUCCESS',
      Reason: `Terraform applied (build ${build.id}).`,
      PhysicalResourceId: PROJECT_PHYSICAL_ID,
      ...identity('req-create'),
    });
    expect(codebuild.starts).toHaveLength(1);
    const overrides = Object.fromEntries(codebuild.starts[0].environmentVariablesOverride!.map((variable) => [variable.name, variable.value]));
    expect(codebuild.starts[0]).toMatchObject({ projectName: RUNNER_PROJECT, idempotencyToken: 'req-create' });
    expect(overrides).toEqual({
      TF_VAR_sagemaker_project_name: 'churn',
      TF_VAR_sagemaker_project_id: PROJECT_ID,
      TF_VAR_git_deploy_repo_name: 'churn-deploy',
      TERRAFORM_ACTION: 'apply',
      TF_CODE_KEY: `command-runner/tf-code/${CODE_SHA}.zip`,
      TF_CODE_SHA256: CODE_SHA,
      CLOUDFORMATION_STACK_ID: STACK_ID,
      RUNNER_SCRIPT_SHA256: SCRIPT_SHA,
      RUNNER_CLOUDFORMATION_REQUEST: JSON.stringify({
        RequestType: 'Create',
        ResponseURL: server.url('req-create'),
        StackId: STACK_ID,
        RequestId: 'req-create',
        LogicalResourceId: 'TerraformRun',
        PhysicalResourceId: PROJECT_PHYSICAL_ID,
      }),
    });
    expect(codebuild.starts[0].environmentVariablesOverride!.every((variable) => variable.type === 'PLAINTEXT')).toBe(true);
  });

  test('the response is a PUT with an empty content type and the exact content length', async () => {
    await runRequest(request('Create', 'req-headers'), { status: 'SUCCEEDED', exported: APPLIED });
    const [put] = server.received;
    expect(put.method).toBe('PUT');
    expect(put.headers['content-type']).toBe('');
    expect(Number(put.headers['content-length'])).toBe(Buffer.byteLength(put.body));
  });

  test('Update applies and keeps the physical id it was given', async () => {
    const update = request('Update', 'req-update', {
      PhysicalResourceId: PROJECT_PHYSICAL_ID,
      OldResourceProperties: { ...PROPERTIES, GitDeployRepoName: '' },
    });
    const { response, build } = await runRequest(update, { status: 'SUCCEEDED', exported: APPLIED });
    expect(response).toEqual({
      Status: 'SUCCESS',
      Reason: `Terraform applied (build ${build.id}).`,
      PhysicalResourceId: PROJECT_PHYSICAL_ID,
      ...identity('req-update'),
    });
    expect(codebuild.starts[0].environmentVariablesOverride).toContainEqual({ name: 'TERRAFORM_ACTION', value: 'apply', type: 'PLAINTEXT' });
  });

  test('Update that changes the project id fails at once, keeping the physical id, and starts nothing', async () => {
    const update = request('Update', 'req-move', {
      PhysicalResourceId: PROJECT_PHYSICAL_ID,
      ResourceProperties: { ...PROPERTIES, SageMakerProjectId: 'p-zzzzzzzzzzzz' },
      OldResourceProperties: PROPERTIES,
    });
    expect(await handler()(update)).toMatchObject({ kind: 'answered' });
    expect(server.responsesTo('req-move')).toEqual([
      {
        Status: 'FAILED',
        Reason: `SageMakerProjectId cannot change (from ${PROJECT_ID} to p-zzzzzzzzzzzz): the project id names the project's Terraform state; create a new project instead.`,
        PhysicalResourceId: PROJECT_PHYSICAL_ID,
        ...identity('req-move'),
      },
    ]);
    expect(codebuild.starts).toHaveLength(0);
  });

  test('Delete runs destroy and answers SUCCESS with the physical id it was given', async () => {
    const { response, build } = await runRequest(request('Delete', 'req-delete', { PhysicalResourceId: PROJECT_PHYSICAL_ID }), {
      status: 'SUCCEEDED',
      exported: DESTROYED,
    });
    expect(response).toEqual({
      Status: 'SUCCESS',
      Reason: `Terraform destroyed (build ${build.id}).`,
      PhysicalResourceId: PROJECT_PHYSICAL_ID,
      ...identity('req-delete'),
    });
    expect(codebuild.starts[0].environmentVariablesOverride).toContainEqual({ name: 'TERRAFORM_ACTION', value: 'destroy', type: 'PLAINTEXT' });
  });

  test('a Delete whose build reports "applied" is not a successful destroy', async () => {
    const { response } = await runRequest(request('Delete', 'req-wrong-result', { PhysicalResourceId: PROJECT_PHYSICAL_ID }), {
      status: 'SUCCEEDED',
      exported: APPLIED,
    });
    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toMatch(/^The runner build finished without the result "destroyed" \(result: applied\)\. Build /);
  });
});

describe('Delete after a failed Create', () => {
  test('invalid properties: Create fails naming the property, and its Delete succeeds without a build', async () => {
    await handler()(
      request('Create', 'req-bad', { ResourceProperties: { ...PROPERTIES, SageMakerProjectId: '../p-victim', GitlabURL: 'https://evil.example' } }),
    );
    const [created] = server.responsesTo('req-bad');
    expect(created).toEqual({
      Status: 'FAILED',
      Reason:
        'Invalid properties of TerraformRun: SageMakerProjectId is "../p-victim"; it must be a SageMaker project id such as p-abcdefghijkl; ' +
        'unexpected properties GitlabURL: the template may carry only SageMakerProjectName, SageMakerProjectId, GitBuildRepoName, GitDeployRepoName, TerraformCodeSha256, RunnerScriptSha256, ServiceToken, ServiceTimeout.',
      PhysicalResourceId: 'nothing-created/req-bad',
      ...identity('req-bad'),
    });
    await handler()(
      request('Delete', 'req-bad-delete', {
        PhysicalResourceId: created.PhysicalResourceId,
        ResourceProperties: { ...PROPERTIES, SageMakerProjectId: '../p-victim' },
      }),
    );
    expect(server.responsesTo('req-bad-delete')).toEqual([
      {
        Status: 'SUCCESS',
        Reason: 'Nothing to delete: the Create of this resource failed before it changed anything.',
        PhysicalResourceId: 'nothing-created/req-bad',
        ...identity('req-bad-delete'),
      },
    ]);
    expect(codebuild.starts).toHaveLength(0);
  });

  test("a run refused before terraform touched anything (another stack's project): the Delete destroys nothing", async () => {
    const { response, build } = await runRequest(request('Create', 'req-foreign'), { status: 'SUCCEEDED', exported: failedAt('check the project binding') });
    expect(response).toEqual({
      Status: 'FAILED',
      Reason: `Terraform apply failed at step "check the project binding". Build ${build.id}; log: ${build.logs!.deepLink}`,
      PhysicalResourceId: 'nothing-created/req-foreign',
      ...identity('req-foreign'),
    });
    await handler()(request('Delete', 'req-foreign-delete', { PhysicalResourceId: response.PhysicalResourceId }));
    expect(server.responsesTo('req-foreign-delete')[0]).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'nothing-created/req-foreign' });
    expect(codebuild.starts).toHaveLength(1);
  });

  test("a run that failed during terraform apply keeps the project's id, so the Delete destroys what it made", async () => {
    const { response } = await runRequest(request('Create', 'req-half'), { status: 'SUCCEEDED', exported: failedAt('terraform apply') });
    expect(response.PhysicalResourceId).toBe(PROJECT_PHYSICAL_ID);
    const { response: deleted } = await runRequest(request('Delete', 'req-half-delete', { PhysicalResourceId: PROJECT_PHYSICAL_ID }), {
      status: 'SUCCEEDED',
      exported: DESTROYED,
    });
    expect(deleted).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PROJECT_PHYSICAL_ID });
    expect(codebuild.starts.map((start) => start.environmentVariablesOverride!.find((variable) => variable.name === 'TERRAFORM_ACTION')!.value)).toEqual([
      'apply',
      'destroy',
    ]);
  });
});

describe('failures answer FAILED, never a hang', () => {
  test('build failure: the failed step and the log link reach CloudFormation', async () => {
    const { response, build } = await runRequest(request('Create', 'req-fail'), { status: 'SUCCEEDED', exported: failedAt('terraform apply') });
    expect(response).toEqual({
      Status: 'FAILED',
      Reason: `Terraform apply failed at step "terraform apply". Build ${build.id}; log: ${build.logs!.deepLink}`,
      PhysicalResourceId: PROJECT_PHYSICAL_ID,
      ...identity('req-fail'),
    });
  });

  test('a build that CodeBuild failed before the run (install phase) names the phase and changed nothing', async () => {
    const phases = [
      { phaseType: 'SUBMITTED', phaseStatus: 'SUCCEEDED' },
      { phaseType: 'PROVISIONING', phaseStatus: 'SUCCEEDED' },
      {
        phaseType: 'INSTALL',
        phaseStatus: 'FAILED',
        message: 'COMMAND_EXECUTION_ERROR: Error while executing command: mkdir -p /root/.cache. Reason: exit status 1',
      },
    ];
    const { response, build } = await runRequest(request('Create', 'req-install'), { status: 'FAILED', phases });
    expect(response).toEqual({
      Status: 'FAILED',
      Reason: `The runner build ended FAILED in phase INSTALL (COMMAND_EXECUTION_ERROR: Error while executing command: mkdir -p /root/.cache. Reason: exit status 1). Build ${build.id}; log: ${build.logs!.deepLink}`,
      PhysicalResourceId: 'nothing-created/req-install',
      ...identity('req-install'),
    });
  });

  test("build timeout: the build's own timeout answers FAILED; a Create cut off in the run keeps the project's id", async () => {
    const phases = [...ALL_PHASES.slice(0, 6), { phaseType: 'BUILD', phaseStatus: 'TIMED_OUT' }];
    const { response, build } = await runRequest(request('Create', 'req-timeout'), { status: 'TIMED_OUT', phases });
    expect(response).toEqual({
      Status: 'FAILED',
      Reason: `The runner build ran longer than its 20-minute timeout (phase BUILD), so CodeBuild stopped it. Build ${build.id}; log: ${build.logs!.deepLink}`,
      PhysicalResourceId: PROJECT_PHYSICAL_ID,
      ...identity('req-timeout'),
    });
  });

  test('a build stuck in the queue times out there and answers FAILED with nothing created', async () => {
    const phases = [
      { phaseType: 'SUBMITTED', phaseStatus: 'SUCCEEDED' },
      { phaseType: 'QUEUED', phaseStatus: 'TIMED_OUT' },
    ];
    const { response, build } = await runRequest(request('Create', 'req-queued'), { status: 'TIMED_OUT', phases });
    expect(response).toEqual({
      Status: 'FAILED',
      Reason: `The runner build waited in the queue longer than its queued timeout (phase QUEUED), so CodeBuild stopped it. Build ${build.id}; log: ${build.logs!.deepLink}`,
      PhysicalResourceId: 'nothing-created/req-queued',
      ...identity('req-queued'),
    });
  });

  test("function error: Lambda's on-failure record of a crashed Create answers FAILED with the error", async () => {
    const crashed = request('Create', 'req-crash');
    const record = {
      version: '1.0',
      timestamp: '2026-11-30T12:00:00.000Z',
      requestContext: {
        requestId: 'e4b3-lambda',
        functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:provision:$LATEST',
        condition: 'RetriesExhausted',
        approximateInvokeCount: 1,
      },
      requestPayload: crashed,
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: { errorType: 'Runtime.ExitError', errorMessage: 'RequestId: e4b3 Error: Runtime exited with error: signal: killed' },
    };
    const outcome = await handler()({ Records: [{ eventSource: 'aws:sqs', messageId: 'm-1', body: JSON.stringify(record) }] });
    expect(outcome).toMatchObject({ kind: 'records', outcomes: [{ kind: 'answered' }] });
    expect(server.responsesTo('req-crash')).toEqual([
      {
        Status: 'FAILED',
        Reason:
          'The provisioning function failed while handling this Create (Runtime.ExitError: RequestId: e4b3 Error: Runtime exited with error: signal: killed); its log group has the details.',
        PhysicalResourceId: PROJECT_PHYSICAL_ID,
        ...identity('req-crash'),
      },
    ]);
  });

  test('a build event the function failed to handle is handled again from the failure queue', async () => {
    await handler()(request('Create', 'req-retry'));
    const event = codebuild.finish(codebuild.onlyBuild().id!, { status: 'SUCCEEDED', exported: APPLIED });
    codebuild.failures.BatchGetBuilds.push(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    await expect(handler()(event)).rejects.toThrow('Rate exceeded');
    expect(server.received).toHaveLength(0);
    const record = {
      requestContext: { condition: 'RetriesExhausted' },
      requestPayload: event,
      responsePayload: { errorType: 'ThrottlingException', errorMessage: 'Rate exceeded' },
    };
    await handler()({ Records: [{ eventSource: 'aws:sqs', messageId: 'm-2', body: JSON.stringify(record) }] });
    expect(server.responsesTo('req-retry')).toEqual([expect.objectContaining({ Status: 'SUCCESS', PhysicalResourceId: PROJECT_PHYSICAL_ID })]);
  });

  test('StartBuild refused: the Create answers FAILED at once, with nothing created', async () => {
    codebuild.failures.StartBuild.push(Object.assign(new Error('User is not authorized to perform: codebuild:StartBuild'), { name: 'AccessDeniedException' }));
    await handler()(request('Create', 'req-denied'));
    expect(server.responsesTo('req-denied')).toEqual([
      {
        Status: 'FAILED',
        Reason: `The runner build could not be started (StartBuild of ${RUNNER_PROJECT}: AccessDeniedException: User is not authorized to perform: codebuild:StartBuild).`,
        PhysicalResourceId: 'nothing-created/req-denied',
        ...identity('req-denied'),
      },
    ]);
  });

  test('a StartBuild error that echoes the presigned response URL reaches CloudFormation with the URL redacted', async () => {
    const url = server.url('req-echo');
    const query = url.split('?')[1];
    codebuild.failures.StartBuild.push(
      Object.assign(new Error(`Value '{"ResponseURL":"${url}"}' failed to satisfy constraint; also seen: ${query}`), { name: 'ValidationException' }),
    );
    await handler()(request('Create', 'req-echo'));
    const [response] = server.responsesTo('req-echo');
    expect(response.Reason).toBe(
      `The runner build could not be started (StartBuild of ${RUNNER_PROJECT}: ValidationException: Value '{"ResponseURL":"[redacted]"}' failed to satisfy constraint; also seen: [redacted]).`,
    );
    expect(response.Reason).not.toContain('X-Amz-Signature');
  });

  test('a response PUT that S3 refuses is an error, so Lambda keeps the event', async () => {
    server.failNext(403);
    await expect(handler()(request('Create', 'req-403', { ResourceProperties: {} }))).rejects.toThrow(/the response PUT to 127\.0\.0\.1:\d+ answered 403/);
  });
});

describe('at most one build per request', () => {
  test('a repeated delivery of the same Create starts no second build', async () => {
    const create = request('Create', 'req-twice');
    await handler()(create);
    await handler()(create);
    expect(codebuild.starts.map((start) => start.idempotencyToken)).toEqual(['req-twice', 'req-twice']);
    expect(codebuild.builds.size).toBe(1);
  });

  test('the build event of another project, and of a build still running, are ignored', async () => {
    await handler()(request('Create', 'req-other'));
    const build = codebuild.onlyBuild();
    expect(await handler()(stateChange(build))).toEqual({ kind: 'ignored', reason: `build ${build.id} is IN_PROGRESS, not finished` });
    expect(await handler()(stateChange(build, 'someone-elses-project'))).toEqual({
      kind: 'ignored',
      reason: `build of project someone-elses-project, not of ${RUNNER_PROJECT}`,
    });
    expect(server.received).toHaveLength(0);
  });

  test("an event naming the runner project with another project's build is ignored, and that build is never read", async () => {
    const foreign = await handler()(request('Create', 'req-foreign'));
    expect(foreign.kind).toBe('build-started');
    // A build of another project that carries a request context, as if started with the runner's overrides.
    const started = codebuild.onlyBuild();
    codebuild.builds.delete(started.id!);
    const otherId = started.id!.replace(`${RUNNER_PROJECT}:`, 'someone-elses-project:');
    codebuild.builds.set(otherId, { ...started, id: otherId, arn: started.arn!.replace(started.id!, otherId), projectName: 'someone-elses-project' });
    const forged = codebuild.finish(otherId, { status: 'SUCCEEDED', exported: APPLIED });
    expect(forged.detail['project-name']).toBe('someone-elses-project');
    const reads = jest.mocked(codebuild.client.send).mock.calls.length;
    expect(await handler()({ ...forged, detail: { ...forged.detail, 'project-name': RUNNER_PROJECT } })).toEqual({
      kind: 'ignored',
      reason: `build ${otherId}, not of ${RUNNER_PROJECT}`,
    });
    expect(jest.mocked(codebuild.client.send).mock.calls.length).toBe(reads);
    expect(server.received).toHaveLength(0);
  });
});

describe('responses', () => {
  test('a long reason is cut so the whole response stays within 4,096 bytes, marked as cut', () => {
    const body = responseBody(identity('req-long'), { Status: 'FAILED', Reason: `${'é"\\'.repeat(3000)}end`, PhysicalResourceId: PROJECT_PHYSICAL_ID });
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(RESPONSE_MAX_BYTES);
    expect(Buffer.byteLength(body)).toBeGreaterThan(RESPONSE_MAX_BYTES - 8);
    const parsed = JSON.parse(body);
    expect(parsed.Reason).toMatch(/^(é"\\)+.* \[truncated\]$/);
    expect(parsed).toMatchObject({ Status: 'FAILED', PhysicalResourceId: PROJECT_PHYSICAL_ID, RequestId: 'req-long' });
  });

  test('a short reason is sent whole', () => {
    expect(JSON.parse(responseBody(identity('r'), { Status: 'SUCCESS', Reason: 'ok', PhysicalResourceId: 'x' })).Reason).toBe('ok');
  });

  test("a refused response PUT names S3's status and error code, never the rest of its error body", async () => {
    // SignatureDoesNotMatch bodies echo the string to sign and the access key id.
    const s3 = createServer((incoming, answer) => {
      incoming.resume();
      incoming.on('end', () =>
        answer
          .writeHead(403, { 'content-type': 'application/xml' })
          .end(
            '<?xml version="1.0" encoding="UTF-8"?><Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match</Message>' +
              '<AWSAccessKeyId>ASIAEXAMPLEKEY000000</AWSAccessKeyId><StringToSign>AWS4-HMAC-SHA256 secret-material</StringToSign></Error>',
          ),
      );
    });
    await new Promise<void>((resolve) => s3.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = s3.address() as AddressInfo;
      const refusal = putResponse(`http://127.0.0.1:${port}/response?X-Amz-Signature=abc123`, '{}', { allowHttp: true });
      await expect(refusal).rejects.toThrow(new Error(`the response PUT to 127.0.0.1:${port} answered 403: SignatureDoesNotMatch`));
    } finally {
      s3.closeAllConnections();
      await new Promise<void>((resolve) => s3.close(() => resolve()));
    }
  });

  test("responses go to https URLs only (CloudFormation's are presigned S3 URLs)", async () => {
    await expect(putResponse('http://bucket.s3.amazonaws.com/x', '{}')).rejects.toThrow('the response URL must be https, got http://bucket.s3.amazonaws.com');
  });

  test('a Delete of properties that never passed the check succeeds without a build', () => {
    const decision = decideRequest(
      request('Delete', 'req-x', { PhysicalResourceId: 'Stack-TerraformRun-1A2B3C', ResourceProperties: { SageMakerProjectId: 'nope' } }),
    );
    expect(decision).toMatchObject({ kind: 'answer', answer: { Status: 'SUCCESS', PhysicalResourceId: 'Stack-TerraformRun-1A2B3C' } });
  });
});
