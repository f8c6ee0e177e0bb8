import { AwsContext } from '../aws-context';
import { PolicyStatement } from '../iam/policy';

/** Prefix of every SageMaker project's artifact bucket (`sagemaker-project-<project id>`). */
export const PROJECT_BUCKET_PREFIX = 'sagemaker-project-';

/** Key prefix of the deploy repository's Terraform state (one key per stage) in the artifact bucket. */
export const DEPLOY_STATE_PREFIX = 'model-deploy/';

/**
 * What the seed code's GitLab CI jobs do in AWS, and nothing more:
 * - model build: the SageMaker Python SDK uploads the step scripts to `<pipeline name>/code/` of the
 *   artifact bucket, upserts and tags the pipeline (passing the pipeline role), starts it, and waits;
 * - model deploy: resolve the approved model package, Terraform the model, endpoint configuration
 *   and endpoint (state under `model-deploy/`, S3 lock file), and invoke the staging endpoint.
 * Resources are SageMaker resource types in this account and region and the projects' artifact
 * buckets; the pipeline role can only be passed to SageMaker.
 */
export function gitlabCiStatements(aws: AwsContext, sagemakerRoleArn: string): PolicyStatement[] {
  const sagemaker = (resource: string) => aws.arn('sagemaker', resource);
  const projectBuckets = `arn:${aws.partition}:s3:::${PROJECT_BUCKET_PREFIX}*`;
  return [
    {
      sid: 'RunModelBuildPipeline',
      effect: 'Allow',
      actions: [
        'sagemaker:CreatePipeline',
        'sagemaker:UpdatePipeline',
        'sagemaker:DescribePipeline',
        'sagemaker:StartPipelineExecution',
        'sagemaker:DescribePipelineExecution',
        'sagemaker:ListPipelineExecutionSteps',
        'sagemaker:AddTags',
        'sagemaker:ListTags',
      ],
      resources: [sagemaker('pipeline/*'), sagemaker('pipeline/*/execution/*')],
    },
    {
      sid: 'ReadModelPackages',
      effect: 'Allow',
      actions: ['sagemaker:DescribeModelPackage'],
      resources: [sagemaker('model-package/*')],
    },
    {
      sid: 'FindLatestApprovedModelPackage',
      effect: 'Allow',
      actions: ['sagemaker:ListModelPackages'],
      // The request names a model package group, not a package: authorized against every resource.
      resources: ['*'],
    },
    {
      sid: 'DeployEndpoints',
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
        'sagemaker:InvokeEndpoint',
        'sagemaker:AddTags',
        'sagemaker:DeleteTags',
        'sagemaker:ListTags',
      ],
      resources: [sagemaker('model/*'), sagemaker('endpoint-config/*'), sagemaker('endpoint/*')],
    },
    {
      sid: 'FindProjectArtifacts',
      effect: 'Allow',
      actions: ['s3:ListBucket'],
      resources: [projectBuckets],
    },
    {
      sid: 'UploadPipelineCode',
      effect: 'Allow',
      actions: ['s3:PutObject'],
      resources: [`${projectBuckets}/*/code/*`],
    },
    {
      sid: 'DeployState',
      effect: 'Allow',
      actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
      resources: [`${projectBuckets}/${DEPLOY_STATE_PREFIX}*`],
    },
    {
      sid: 'PassSageMakerRole',
      effect: 'Allow',
      actions: ['iam:PassRole'],
      resources: [sagemakerRoleArn],
      condition: [{ test: 'StringEquals', variable: 'iam:PassedToService', values: ['sagemaker.amazonaws.com'] }],
    },
  ];
}
