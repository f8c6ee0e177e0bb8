import { AwsContext } from '../aws-context';
import { PolicyStatement } from '../iam/policy';
import { DEPLOY_FAILURE_QUEUE_SUFFIX, PROJECT_RESOURCE_PREFIX } from './names';

/**
 * What the CommandRunner instance needs to apply and destroy the sagemaker-project stack, scoped
 * to the names that stack gives its resources. Kept beside the stack's constructs so that a new
 * resource and the permission to create it change together.
 *
 * @param lambdaRoleArn the role the project's functions run as: the only role passed to Lambda.
 */
export function projectProvisioningStatements(aws: AwsContext, lambdaRoleArn: string): PolicyStatement[] {
  const projectBuckets = `arn:${aws.partition}:s3:::${PROJECT_RESOURCE_PREFIX}*`;
  const sagemaker = (resource: string) => aws.arn('sagemaker', resource);
  // Groups and repositories are named <project name>-<project id>...; ids are p- and 12 lowercase characters.
  const perProject = '*-p-*';
  return [
    {
      sid: 'ManageProjectArtifactBuckets',
      effect: 'Allow',
      actions: [
        's3:CreateBucket',
        's3:DeleteBucket',
        's3:ListBucket',
        's3:ListBucketVersions',
        's3:GetBucket*',
        's3:GetAccelerateConfiguration',
        's3:GetEncryptionConfiguration',
        's3:GetLifecycleConfiguration',
        's3:GetReplicationConfiguration',
        's3:PutBucketPolicy',
        's3:DeleteBucketPolicy',
        's3:PutBucketVersioning',
        's3:PutEncryptionConfiguration',
        's3:PutBucketPublicAccessBlock',
        's3:PutBucketOwnershipControls',
        's3:PutLifecycleConfiguration',
        's3:PutBucketTagging',
      ],
      resources: [projectBuckets],
    },
    {
      sid: 'ManageProjectModelPackageGroups',
      effect: 'Allow',
      actions: ['sagemaker:CreateModelPackageGroup', 'sagemaker:DescribeModelPackageGroup', 'sagemaker:DeleteModelPackageGroup'],
      resources: [sagemaker(`model-package-group/${perProject}`)],
    },
    {
      sid: 'ManageProjectCodeRepositories',
      effect: 'Allow',
      actions: ['sagemaker:CreateCodeRepository', 'sagemaker:DescribeCodeRepository', 'sagemaker:UpdateCodeRepository', 'sagemaker:DeleteCodeRepository'],
      resources: [sagemaker(`code-repository/${perProject}`)],
    },
    {
      sid: 'TagProjectSageMakerResources',
      effect: 'Allow',
      actions: ['sagemaker:AddTags', 'sagemaker:DeleteTags', 'sagemaker:ListTags'],
      resources: [sagemaker(`model-package-group/${perProject}`), sagemaker(`code-repository/${perProject}`)],
    },
    {
      sid: 'ManageProjectFunctions',
      effect: 'Allow',
      actions: [
        'lambda:CreateFunction',
        'lambda:DeleteFunction',
        'lambda:GetFunction',
        'lambda:GetFunctionConfiguration',
        'lambda:GetFunctionCodeSigningConfig',
        'lambda:GetRuntimeManagementConfig',
        'lambda:ListVersionsByFunction',
        'lambda:UpdateFunctionCode',
        'lambda:UpdateFunctionConfiguration',
        'lambda:AddPermission',
        'lambda:RemovePermission',
        'lambda:GetPolicy',
        'lambda:PutFunctionEventInvokeConfig',
        'lambda:UpdateFunctionEventInvokeConfig',
        'lambda:GetFunctionEventInvokeConfig',
        'lambda:DeleteFunctionEventInvokeConfig',
        'lambda:TagResource',
        'lambda:UntagResource',
        'lambda:ListTags',
        // aws_lambda_invocation: the seed function runs once per apply that creates or changes it.
        'lambda:InvokeFunction',
      ],
      resources: [aws.arn('lambda', `function:${PROJECT_RESOURCE_PREFIX}*`)],
    },
    {
      sid: 'PassProjectFunctionRole',
      effect: 'Allow',
      actions: ['iam:PassRole'],
      resources: [lambdaRoleArn],
      condition: [{ test: 'StringEquals', variable: 'iam:PassedToService', values: ['lambda.amazonaws.com'] }],
    },
    {
      sid: 'ManageProjectFunctionLogGroups',
      effect: 'Allow',
      actions: [
        'logs:CreateLogGroup',
        'logs:DeleteLogGroup',
        'logs:PutRetentionPolicy',
        'logs:DeleteRetentionPolicy',
        'logs:TagResource',
        'logs:UntagResource',
        'logs:ListTagsForResource',
        'logs:ListTagsLogGroup',
      ],
      resources: [aws.arn('logs', `log-group:/aws/lambda/${PROJECT_RESOURCE_PREFIX}*`)],
    },
    {
      sid: 'ReadLogGroups',
      effect: 'Allow',
      // DescribeLogGroups is authorized on the account's log groups, not on one group.
      actions: ['logs:DescribeLogGroups'],
      resources: [aws.arn('logs', 'log-group:*')],
    },
    {
      sid: 'ManageProjectApprovalRules',
      effect: 'Allow',
      actions: [
        'events:PutRule',
        'events:DescribeRule',
        'events:DeleteRule',
        'events:PutTargets',
        'events:RemoveTargets',
        'events:ListTargetsByRule',
        'events:TagResource',
        'events:UntagResource',
        'events:ListTagsForResource',
      ],
      resources: [aws.arn('events', `rule/${PROJECT_RESOURCE_PREFIX}*`)],
    },
    {
      sid: 'ManageProjectFailureQueues',
      effect: 'Allow',
      actions: [
        'sqs:CreateQueue',
        'sqs:DeleteQueue',
        'sqs:GetQueueAttributes',
        'sqs:SetQueueAttributes',
        'sqs:GetQueueUrl',
        'sqs:TagQueue',
        'sqs:UntagQueue',
        'sqs:ListQueueTags',
      ],
      resources: [aws.arn('sqs', `${PROJECT_RESOURCE_PREFIX}*`)],
    },
  ];
}

/**
 * What the project's functions do in AWS besides reading the GitLab token (granted with the
 * secrets): write their logs and hand undeliverable approval events to the project's failure queue.
 * The service-catalog stack attaches these to the role the functions run as.
 */
export function projectFunctionStatements(aws: AwsContext): PolicyStatement[] {
  return [
    {
      sid: 'WriteProjectFunctionLogs',
      effect: 'Allow',
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [aws.arn('logs', `log-group:/aws/lambda/${PROJECT_RESOURCE_PREFIX}*:*`)],
    },
    {
      sid: 'SendFailedDeployTriggers',
      effect: 'Allow',
      actions: ['sqs:SendMessage'],
      resources: [aws.arn('sqs', `${PROJECT_RESOURCE_PREFIX}*${DEPLOY_FAILURE_QUEUE_SUFFIX}`)],
    },
  ];
}
