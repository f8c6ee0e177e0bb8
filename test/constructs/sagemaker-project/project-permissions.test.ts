import { AwsContext } from '../../../constructs/aws-context';
import { policyDocument } from '../../../constructs/iam/policy';
import {
  anyProjectSageMakerResources,
  ciSageMakerStatements,
  functionLogStatements,
  pipelineStatements,
  PROJECT_ID_TAG,
  REGISTERED_APPROVAL_STATUS,
  sagemakerResources,
  SageMakerResources,
} from '../../../constructs/sagemaker-project/project-permissions';
import { awsRefs, bySid, configOf, synthScope } from '../../support/synth-scope';

const PIPELINE_ROLE = 'arn:aws:iam::123456789012:role/acme/acme-p-abcdefghijkl-pipeline';

/** Statements (or resources) built with the stack's AwsContext, as synthesized. */
function synthesized(build: (aws: AwsContext) => { resources?: SageMakerResources; statements?: any[] }) {
  const { tf, built } = synthScope((scope) => {
    const made = build(AwsContext.of(scope));
    const resources = made.resources ? Object.values(made.resources).flat() : [];
    const document = policyDocument(scope, 'document', [
      ...(made.statements ?? []),
      ...(resources.length ? [{ effect: 'Allow', actions: ['sagemaker:ListTags'], resources }] : []),
    ]);
    return document;
  });
  return { tf, statements: configOf(tf, built).statement as any[] };
}

describe('sagemakerResources', () => {
  test("one project's pipeline and group, lowered as SageMaker writes them in ARNs; endpoints by project id", () => {
    const { tf, statements } = synthesized((aws) => ({
      resources: sagemakerResources(aws, { pipeline: 'Churn-p-abc', modelPackageGroup: 'Churn-p-abc', endpointPrefix: 'p-abc-' }, (name) => name.toLowerCase()),
    }));
    const { partition, region, account } = awsRefs(tf);
    const arn = (resource: string) => `arn:${partition}:sagemaker:${region}:${account}:${resource}`;
    expect(statements[0].resources).toEqual([
      arn('pipeline/churn-p-abc'),
      arn('model-package-group/churn-p-abc'),
      arn('model-package/churn-p-abc/*'),
      arn('model/p-abc-*'),
      arn('endpoint-config/p-abc-*'),
      arn('endpoint/p-abc-*'),
      arn('endpoint/p-abc-*'),
    ]);
  });

  test("every project of the platform (the boundary's view): names and ids as wildcards", () => {
    const { tf, statements } = synthesized((aws) => ({ resources: anyProjectSageMakerResources(aws) }));
    const { partition, region, account } = awsRefs(tf);
    const arn = (resource: string) => `arn:${partition}:sagemaker:${region}:${account}:${resource}`;
    expect(statements[0].resources).toEqual([
      arn('pipeline/*-p-*'),
      arn('model-package-group/*-p-*'),
      arn('model-package/*-p-*/*'),
      arn('model/p-*'),
      arn('endpoint-config/p-*'),
      arn('endpoint/p-*'),
      arn('endpoint/p-*'),
    ]);
  });
});

describe('ciSageMakerStatements', () => {
  const resources: SageMakerResources = {
    pipelineArn: 'arn:aws:sagemaker:us-east-1:123456789012:pipeline/churn-p-abc',
    modelPackageGroupArn: 'arn:aws:sagemaker:us-east-1:123456789012:model-package-group/churn-p-abc',
    modelPackagesArn: 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-p-abc/*',
    endpointResourceArns: ['arn:aws:sagemaker:us-east-1:123456789012:endpoint/p-abc-*'],
    endpointArns: 'arn:aws:sagemaker:us-east-1:123456789012:endpoint/p-abc-*',
  };
  const statements = ciSageMakerStatements(resources, [PIPELINE_ROLE]);
  const actions = statements.flatMap((statement) => statement.actions ?? []);

  test("cannot change or register a model package: approval stays a person's decision in Studio", () => {
    expect(actions.filter((action) => /ModelPackage$/.test(action) && !/^sagemaker:(Describe|List)/.test(action))).toEqual([]);
  });

  test('"*" only for listing model packages (a request names its group, not a resource)', () => {
    expect(statements.filter((statement) => statement.resources!.includes('*'))).toEqual([
      { sid: 'FindLatestApprovedModelPackage', effect: 'Allow', actions: ['sagemaker:ListModelPackages'], resources: ['*'] },
    ]);
  });

  test('runs its own pipeline, deploys and tests its own endpoints, passes only its pipeline role, only to SageMaker', () => {
    expect(bySid(statements, 'RunModelBuildPipeline').resources).toEqual([resources.pipelineArn, `${resources.pipelineArn}/execution/*`]);
    expect(bySid(statements, 'DeployProjectEndpoints').resources).toEqual(resources.endpointResourceArns);
    expect(bySid(statements, 'TestStagingEndpoint')).toMatchObject({ actions: ['sagemaker:InvokeEndpoint'], resources: [resources.endpointArns] });
    expect(bySid(statements, 'PassPipelineRole')).toEqual({
      sid: 'PassPipelineRole',
      effect: 'Allow',
      actions: ['iam:PassRole'],
      resources: [PIPELINE_ROLE],
      condition: [{ test: 'StringEquals', variable: 'iam:PassedToService', values: ['sagemaker.amazonaws.com'] }],
    });
  });
});

describe('pipelineStatements', () => {
  const { tf, statements } = synthesized((aws) => ({ statements: pipelineStatements(aws, anyProjectSageMakerResources(aws), [PIPELINE_ROLE]) }));
  const { partition, region, account } = awsRefs(tf);

  test('registers models only as PendingManualApproval and never updates one', () => {
    expect(REGISTERED_APPROVAL_STATUS).toBe('PendingManualApproval');
    expect(bySid(statements, 'RegisterModelsForApproval')).toMatchObject({
      actions: ['sagemaker:CreateModelPackage'],
      condition: [{ test: 'StringEquals', variable: 'sagemaker:ModelApprovalStatus', values: ['PendingManualApproval'] }],
    });
    expect(statements.flatMap((statement) => statement.actions)).not.toContain('sagemaker:UpdateModelPackage');
  });

  test("the boundary's view (any project): only the jobs pipelines name (pipelines-*), untagged; only its own role passed to them", () => {
    expect(bySid(statements, 'RunPipelineJobs').resources).toEqual([
      `arn:${partition}:sagemaker:${region}:${account}:processing-job/pipelines-*`,
      `arn:${partition}:sagemaker:${region}:${account}:training-job/pipelines-*`,
    ]);
    expect(bySid(statements, 'PassRoleToOwnJobs')).toMatchObject({
      resources: [PIPELINE_ROLE],
      condition: [{ test: 'StringEquals', variable: 'iam:PassedToService', values: ['sagemaker.amazonaws.com'] }],
    });
  });

  test("one project's role: creates only jobs tagged with its id, and describes, stops or retags only jobs that carry it", () => {
    const names = { pipeline: 'churn-p-abc', modelPackageGroup: 'churn-p-abc', endpointPrefix: 'p-abc-', projectId: 'p-abc' };
    const own = synthesized((aws) => ({
      statements: pipelineStatements(
        aws,
        sagemakerResources(aws, names, (name) => name),
        [PIPELINE_ROLE],
      ),
    })).statements;
    const jobs = [
      `arn:${partition}:sagemaker:${region}:${account}:processing-job/pipelines-*`,
      `arn:${partition}:sagemaker:${region}:${account}:training-job/pipelines-*`,
    ];
    expect(PROJECT_ID_TAG).toBe('sagemaker:project-id');
    expect(own.filter((statement) => statement.sid === 'RunPipelineJobs')).toEqual([]);
    expect(bySid(own, 'StartOwnPipelineJobs')).toEqual({
      sid: 'StartOwnPipelineJobs',
      effect: 'Allow',
      actions: ['sagemaker:CreateProcessingJob', 'sagemaker:CreateTrainingJob', 'sagemaker:AddTags'],
      resources: jobs,
      condition: [
        { test: 'StringEquals', variable: 'aws:RequestTag/sagemaker:project-id', values: ['p-abc'] },
        { test: 'StringEqualsIfExists', variable: 'aws:ResourceTag/sagemaker:project-id', values: ['p-abc'] },
      ],
    });
    expect(bySid(own, 'ManageOwnPipelineJobs')).toEqual({
      sid: 'ManageOwnPipelineJobs',
      effect: 'Allow',
      actions: ['sagemaker:DescribeProcessingJob', 'sagemaker:StopProcessingJob', 'sagemaker:DescribeTrainingJob', 'sagemaker:StopTrainingJob'],
      resources: jobs,
      condition: [{ test: 'StringEquals', variable: 'aws:ResourceTag/sagemaker:project-id', values: ['p-abc'] }],
    });
  });

  test('"*" only where no resource-level permission exists, and metrics only in SageMaker\'s namespaces', () => {
    expect(statements.filter((statement) => statement.resources.includes('*')).map((statement) => statement.sid)).toEqual(['EcrLogin', 'JobMetrics']);
    expect(bySid(statements, 'JobMetrics').condition).toEqual([{ test: 'StringLike', variable: 'cloudwatch:namespace', values: ['/aws/sagemaker/*'] }]);
  });

  test("pulls only SageMaker's images and reads only the public sample data set of its region", () => {
    expect(bySid(statements, 'PullSageMakerImages').resources).toEqual([`arn:${partition}:ecr:${region}:*:repository/sagemaker-*`]);
    expect(bySid(statements, 'ReadSampleDataSet')).toMatchObject({
      actions: ['s3:GetObject'],
      resources: [`arn:${partition}:s3:::sagemaker-servicecatalog-seedcode-${region}/dataset/*`],
    });
  });
});

describe('functionLogStatements', () => {
  test("streams into the function's own log group only, which Terraform creates (no CreateLogGroup)", () => {
    expect(functionLogStatements('arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/f')).toEqual([
      {
        sid: 'WriteOwnLogs',
        effect: 'Allow',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: ['arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/f:*'],
      },
    ]);
  });
});
