import { AwsContext } from '../aws-context';
import { PolicyStatement } from '../iam/policy';

/**
 * The SageMaker resources of one project (ARNs; SageMaker writes names in ARNs in lowercase), or, with
 * wildcards for the name and id, of every project of the platform (the permissions boundary).
 */
export interface SageMakerResources {
  /** `pipeline/<pipeline name>`. */
  readonly pipelineArn: string;
  /** `model-package-group/<group name>`. */
  readonly modelPackageGroupArn: string;
  /** `model-package/<group name>/*`: the group's versions. */
  readonly modelPackagesArn: string;
  /** Models, endpoint configurations and endpoints of the deploy code: `<type>/<project id>-*`. */
  readonly endpointResourceArns: string[];
  /** Endpoints only. */
  readonly endpointArns: string;
  /**
   * The project id its pipeline's jobs are tagged with (PROJECT_ID_TAG); undefined = any project's
   * (the boundary), whose jobs the role's own policy then tells apart.
   */
  readonly projectId?: string;
}

/**
 * The tag SageMaker Projects put on a project's resources; the seed code's pipeline also puts it on every
 * job it starts. Jobs are named `pipelines-<execution>-...` by SageMaker, so the tag is what tells one
 * project's jobs from another's.
 */
export const PROJECT_ID_TAG = 'sagemaker:project-id';

/** The project's SageMaker resources, from its names (Terraform expressions, lowered where SageMaker lowers them). */
export function sagemakerResources(
  aws: AwsContext,
  names: { pipeline: string; modelPackageGroup: string; endpointPrefix: string; projectId?: string },
  lower: (name: string) => string,
): SageMakerResources {
  const arn = (resource: string) => aws.arn('sagemaker', resource);
  return {
    pipelineArn: arn(`pipeline/${lower(names.pipeline)}`),
    modelPackageGroupArn: arn(`model-package-group/${lower(names.modelPackageGroup)}`),
    modelPackagesArn: arn(`model-package/${lower(names.modelPackageGroup)}/*`),
    endpointResourceArns: ['model', 'endpoint-config', 'endpoint'].map((type) => arn(`${type}/${names.endpointPrefix}*`)),
    endpointArns: arn(`endpoint/${names.endpointPrefix}*`),
    projectId: names.projectId,
  };
}

/**
 * Every project's SageMaker resources: names `<project name>-p-<id>` and `p-<id>-...`. Only for the
 * permissions boundary, which caps all project roles; each role's own policy names its project's.
 */
export function anyProjectSageMakerResources(aws: AwsContext): SageMakerResources {
  return sagemakerResources(aws, { pipeline: '*-p-*', modelPackageGroup: '*-p-*', endpointPrefix: 'p-' }, (name) => name);
}

/** The approval status every model package is registered with: approving stays a person's decision in Studio. */
export const REGISTERED_APPROVAL_STATUS = 'PendingManualApproval';

/**
 * What a project's GitLab CI does in SageMaker, on its own project's resources only:
 * - model build: upsert and tag its pipeline (passing its pipeline role), start it, and wait;
 * - model deploy: resolve the approved model package of its group, Terraform its models, endpoint
 *   configurations and endpoints, and invoke its staging endpoint.
 * It cannot change a model package (approval stays human) and passes only its own pipeline role.
 * S3 (artifact bucket, deploy state) and DynamoDB (deploy records) come as grants.
 */
export function ciSageMakerStatements(resources: SageMakerResources, pipelineRoleArns: string[]): PolicyStatement[] {
  return [
    {
      sid: 'RunModelBuildPipeline',
      effect: 'Allow',
      actions: [
        'sagemaker:CreatePipeline',
        'sagemaker:UpdatePipeline',
        'sagemaker:DescribePipeline',
        'sagemaker:ListPipelineVersions',
        'sagemaker:StartPipelineExecution',
        'sagemaker:DescribePipelineExecution',
        'sagemaker:ListPipelineExecutionSteps',
        'sagemaker:AddTags',
        'sagemaker:ListTags',
      ],
      resources: [resources.pipelineArn, `${resources.pipelineArn}/execution/*`],
    },
    {
      sid: 'ReadModelPackages',
      effect: 'Allow',
      actions: ['sagemaker:DescribeModelPackage', 'sagemaker:DescribeModelPackageGroup'],
      resources: [resources.modelPackageGroupArn, resources.modelPackagesArn],
    },
    {
      sid: 'FindLatestApprovedModelPackage',
      effect: 'Allow',
      // ListModelPackages names a group in its request, not a resource: authorized on "*" (it returns
      // summaries, never model data; DescribeModelPackage stays limited to the project's group).
      actions: ['sagemaker:ListModelPackages'],
      resources: ['*'],
    },
    {
      sid: 'DeployProjectEndpoints',
      effect: 'Allow',
      actions: [
        'sagemaker:CreateModel',
        'sagemaker:DescribeModel',
        'sagemaker:DeleteModel',
        'sagemaker:CreateEndpointConfig',
        'sagemaker:DescribeEndpointConfig',
        'sagemaker:DeleteEndpointConfig',
        'sagemaker:CreateEndpoint',
        'sagemaker:UpdateEndpoint',
        'sagemaker:DescribeEndpoint',
        'sagemaker:DeleteEndpoint',
        'sagemaker:AddTags',
        'sagemaker:DeleteTags',
        'sagemaker:ListTags',
      ],
      resources: resources.endpointResourceArns,
    },
    {
      sid: 'TestStagingEndpoint',
      effect: 'Allow',
      actions: ['sagemaker:InvokeEndpoint'],
      resources: [resources.endpointArns],
    },
    {
      sid: 'PassPipelineRole',
      effect: 'Allow',
      actions: ['iam:PassRole'],
      resources: pipelineRoleArns,
      condition: [{ test: 'StringEquals', variable: 'iam:PassedToService', values: ['sagemaker.amazonaws.com'] }],
    },
  ];
}

/** Where the containers of SageMaker's built-in algorithms and frameworks live (AWS-owned accounts). */
const SAGEMAKER_IMAGE_REPOSITORIES = 'repository/sagemaker-*';

/**
 * What a project's SageMaker jobs and endpoints do as its pipeline role: run the processing and
 * training jobs its pipeline starts, register models into its group only as PendingManualApproval,
 * pull SageMaker's images, log and publish metrics, and read the public sample data set. S3 (its
 * artifact bucket) comes as a grant. SageMaker names pipeline jobs `pipelines-<execution>-...`: no
 * name tells projects apart, so the role creates only jobs tagged with its project id and describes,
 * stops or tags only jobs that carry it (an untagged job can be tagged, a job of another project not).
 */
export function pipelineStatements(aws: AwsContext, resources: SageMakerResources, pipelineRoleArns: string[]): PolicyStatement[] {
  const jobs = [aws.arn('sagemaker', 'processing-job/pipelines-*'), aws.arn('sagemaker', 'training-job/pipelines-*')];
  const create = ['sagemaker:CreateProcessingJob', 'sagemaker:CreateTrainingJob', 'sagemaker:AddTags'];
  const manage = ['sagemaker:DescribeProcessingJob', 'sagemaker:StopProcessingJob', 'sagemaker:DescribeTrainingJob', 'sagemaker:StopTrainingJob'];
  const tagged = (test: string, key: string) => (resources.projectId ? [{ test, variable: `${key}/${PROJECT_ID_TAG}`, values: [resources.projectId] }] : []);
  const jobStatements: PolicyStatement[] = resources.projectId
    ? [
        {
          sid: 'StartOwnPipelineJobs',
          effect: 'Allow',
          actions: create,
          resources: jobs,
          condition: [...tagged('StringEquals', 'aws:RequestTag'), ...tagged('StringEqualsIfExists', 'aws:ResourceTag')],
        },
        { sid: 'ManageOwnPipelineJobs', effect: 'Allow', actions: manage, resources: jobs, condition: tagged('StringEquals', 'aws:ResourceTag') },
      ]
    : [{ sid: 'RunPipelineJobs', effect: 'Allow', actions: [...create, ...manage], resources: jobs }];
  return [
    ...jobStatements,
    {
      sid: 'RegisterModelsForApproval',
      effect: 'Allow',
      actions: ['sagemaker:CreateModelPackage'],
      resources: [resources.modelPackageGroupArn, resources.modelPackagesArn],
      condition: [{ test: 'StringEquals', variable: 'sagemaker:ModelApprovalStatus', values: [REGISTERED_APPROVAL_STATUS] }],
    },
    {
      sid: 'ReadOwnModelPackages',
      effect: 'Allow',
      actions: ['sagemaker:DescribeModelPackage', 'sagemaker:DescribeModelPackageGroup', 'sagemaker:ListTags'],
      resources: [resources.modelPackageGroupArn, resources.modelPackagesArn],
    },
    {
      sid: 'PassRoleToOwnJobs',
      effect: 'Allow',
      actions: ['iam:PassRole'],
      resources: pipelineRoleArns,
      condition: [{ test: 'StringEquals', variable: 'iam:PassedToService', values: ['sagemaker.amazonaws.com'] }],
    },
    {
      sid: 'PullSageMakerImages',
      effect: 'Allow',
      actions: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
      resources: [`arn:${aws.partition}:ecr:${aws.region}:*:${SAGEMAKER_IMAGE_REPOSITORIES}`],
    },
    {
      sid: 'EcrLogin',
      effect: 'Allow',
      // GetAuthorizationToken supports no resource-level permissions.
      actions: ['ecr:GetAuthorizationToken'],
      resources: ['*'],
    },
    {
      sid: 'JobAndEndpointLogs',
      effect: 'Allow',
      actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
      resources: [aws.arn('logs', 'log-group:/aws/sagemaker/*'), aws.arn('logs', 'log-group:/aws/sagemaker/*:log-stream:*')],
    },
    {
      sid: 'JobMetrics',
      effect: 'Allow',
      actions: ['cloudwatch:PutMetricData'],
      resources: ['*'],
      condition: [{ test: 'StringLike', variable: 'cloudwatch:namespace', values: ['/aws/sagemaker/*'] }],
    },
    {
      sid: 'ReadSampleDataSet',
      effect: 'Allow',
      actions: ['s3:GetObject'],
      resources: [`arn:${aws.partition}:s3:::sagemaker-servicecatalog-seedcode-${aws.region}/dataset/*`],
    },
  ];
}

/** Why the JobMetrics statement may name every resource. */
export const JOB_METRICS_SUPPRESSION =
  "cloudwatch:PutMetricData supports no resource-level permissions; the cloudwatch:namespace condition limits it to SageMaker's /aws/sagemaker/ namespaces";

/** What a project function does with its own log group (created by Terraform, so no CreateLogGroup). */
export function functionLogStatements(logGroupArn: string): PolicyStatement[] {
  return [{ sid: 'WriteOwnLogs', effect: 'Allow', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [`${logGroupArn}:*`] }];
}
