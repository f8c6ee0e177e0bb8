import { AwsContext } from '../aws-context';
import { PolicyStatement } from '../iam/policy';

/** Prefix of every SageMaker project's artifact bucket (`sagemaker-project-<project id>`). */
export const PROJECT_BUCKET_PREFIX = 'sagemaker-project-';

/**
 * What the seed code's GitLab CI jobs do in AWS, and nothing more: run the SageMaker Pipeline of
 * the build repository, and deploy and test endpoints with Terraform from the deploy repository.
 * Resources are limited to SageMaker resource types in this account and region and to the
 * projects' artifact buckets; roles can only be passed to SageMaker.
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
      actions: ['sagemaker:DescribeModelPackage', 'sagemaker:ListModelPackages', 'sagemaker:DescribeModelPackageGroup'],
      resources: [sagemaker('model-package/*'), sagemaker('model-package-group/*')],
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
      sid: 'ProjectArtifactsAndDeployState',
      effect: 'Allow',
      actions: ['s3:ListBucket', 's3:GetBucketLocation', 's3:GetObject', 's3:PutObject', 's3:DeleteObject'],
      resources: [projectBuckets, `${projectBuckets}/*`],
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
