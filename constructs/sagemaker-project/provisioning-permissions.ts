import { AwsContext } from '../aws-context';
import { PolicyStatement } from '../iam/policy';
import { platformName, SEED_ROLE_SUFFIX } from './names';

/** Where a platform's projects live: the start of their resource names and the IAM path of their identities. */
export interface ProjectNamespace {
  /** `<org>-<env>-<role>-`: every project's AWS resources are named `<prefix>p-<id>...`. */
  readonly resourcePrefix: string;
  /** IAM path of the project's roles and users. */
  readonly iamPath: string;
}

/** What the runner provisions projects under: names, IAM path and the boundary every identity carries. */
export interface ProvisioningScope extends ProjectNamespace {
  /** ARN of the permissions boundary the runner must put on every role and user it creates. */
  readonly boundaryArn: string;
}

/** The names one platform gives its projects' resources, as ARN patterns. */
export interface ProjectPatterns {
  readonly aws: AwsContext;
  /** `<prefix>p-*`: buckets, tables, functions, rules, queues, roles and users. */
  readonly projects: string;
  /** SageMaker names keep the project name for readers: `<project name>-p-<id>...`. */
  readonly perProject: string;
  readonly projectRoles: string;
  readonly projectUsers: string;
  /** The projects' seeding function roles, which may read the namespace token. */
  readonly seedRoles: string;
  /** `<prefix without dash>/p-*`: the projects' secrets. */
  readonly projectSecrets: string;
}

/**
 * The ARN patterns of every project of the platform: what the runner may provision, what the
 * boundary admits and who may read the namespace token all isolate projects by these names.
 */
export function projectPatterns(aws: AwsContext, resourcePrefix: string, iamPath: string): ProjectPatterns {
  const projects = `${resourcePrefix}p-*`;
  const projectRoles = aws.arn('iam', `role${iamPath}${projects}`, { region: '' });
  return {
    aws,
    projects,
    perProject: '*-p-*',
    projectRoles,
    projectUsers: aws.arn('iam', `user${iamPath}${projects}`, { region: '' }),
    seedRoles: `${projectRoles}${SEED_ROLE_SUFFIX}`,
    projectSecrets: aws.arn('secretsmanager', `secret:${platformName(resourcePrefix)}/p-*`),
  };
}

/**
 * What the runner needs to apply and destroy the sagemaker-project stack, scoped to the names that
 * stack gives its resources. Identities are the sensitive part: the runner creates roles and users
 * only under the project IAM path and only with the platform's permissions boundary, can never remove
 * or swap a boundary, and passes project roles only to Lambda. Kept beside the stack's constructs so
 * that a new resource and the permission to create it change together.
 */
export function projectProvisioningStatements(aws: AwsContext, scope: ProvisioningScope): PolicyStatement[] {
  const patterns = projectPatterns(aws, scope.resourcePrefix, scope.iamPath);
  return [
    ...identityStatements(patterns, scope.boundaryArn),
    ...storageStatements(patterns),
    ...sagemakerStatements(patterns),
    ...functionStatements(patterns),
    ...bindingStatements(patterns),
  ];
}

/** Roles and users only under the project path, only with the boundary, which stays; project roles passed only to Lambda. */
function identityStatements({ projectRoles, projectUsers }: ProjectPatterns, boundaryArn: string): PolicyStatement[] {
  const withBoundary = [{ test: 'StringEquals', variable: 'iam:PermissionsBoundary', values: [boundaryArn] }];
  return [
    {
      sid: 'CreateProjectIdentitiesWithBoundary',
      effect: 'Allow',
      actions: ['iam:CreateRole', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy', 'iam:CreateUser', 'iam:PutUserPolicy', 'iam:DeleteUserPolicy'],
      resources: [projectRoles, projectUsers],
      condition: withBoundary,
    },
    {
      sid: 'ManageProjectIdentities',
      effect: 'Allow',
      actions: [
        'iam:GetRole',
        'iam:DeleteRole',
        'iam:TagRole',
        'iam:UntagRole',
        'iam:UpdateRole',
        'iam:UpdateRoleDescription',
        'iam:UpdateAssumeRolePolicy',
        'iam:GetRolePolicy',
        'iam:ListRolePolicies',
        'iam:ListAttachedRolePolicies',
        'iam:ListInstanceProfilesForRole',
        'iam:GetUser',
        'iam:DeleteUser',
        'iam:TagUser',
        'iam:UntagUser',
        'iam:GetUserPolicy',
        'iam:ListUserPolicies',
        'iam:ListAttachedUserPolicies',
        'iam:ListGroupsForUser',
        // force_destroy removes a CI user's keys (made by the seeding function) and credentials with it.
        'iam:ListAccessKeys',
        'iam:DeleteAccessKey',
        'iam:ListSSHPublicKeys',
        'iam:ListServiceSpecificCredentials',
        'iam:ListSigningCertificates',
        'iam:ListMFADevices',
        'iam:DeleteLoginProfile',
      ],
      resources: [projectRoles, projectUsers],
    },
    {
      sid: 'KeepProjectBoundaries',
      effect: 'Deny',
      actions: ['iam:DeleteRolePermissionsBoundary', 'iam:DeleteUserPermissionsBoundary', 'iam:PutRolePermissionsBoundary', 'iam:PutUserPermissionsBoundary'],
      resources: ['*'],
    },
    {
      sid: 'PassProjectFunctionRoles',
      effect: 'Allow',
      actions: ['iam:PassRole'],
      resources: [projectRoles],
      condition: [{ test: 'StringEquals', variable: 'iam:PassedToService', values: ['lambda.amazonaws.com'] }],
    },
  ];
}

/** The project's artifact bucket, deploy records table and secrets. */
function storageStatements({ aws, projects, projectSecrets }: ProjectPatterns): PolicyStatement[] {
  const projectBuckets = `arn:${aws.partition}:s3:::${projects}`;
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
        // force_destroy empties the bucket on destroy.
        's3:DeleteObject',
        's3:DeleteObjectVersion',
      ],
      resources: [projectBuckets, `${projectBuckets}/*`],
    },
    {
      sid: 'ManageProjectDeployRecords',
      effect: 'Allow',
      actions: [
        'dynamodb:CreateTable',
        'dynamodb:DeleteTable',
        'dynamodb:DescribeTable',
        'dynamodb:UpdateTable',
        'dynamodb:DescribeContinuousBackups',
        'dynamodb:UpdateContinuousBackups',
        'dynamodb:DescribeTimeToLive',
        'dynamodb:UpdateTimeToLive',
        'dynamodb:TagResource',
        'dynamodb:UntagResource',
        'dynamodb:ListTagsOfResource',
      ],
      resources: [aws.arn('dynamodb', `table/${projects}`)],
    },
    {
      sid: 'ManageProjectSecrets',
      effect: 'Allow',
      actions: [
        'secretsmanager:CreateSecret',
        'secretsmanager:DeleteSecret',
        'secretsmanager:DescribeSecret',
        'secretsmanager:UpdateSecret',
        'secretsmanager:GetResourcePolicy',
        'secretsmanager:TagResource',
        'secretsmanager:UntagResource',
      ],
      resources: [projectSecrets],
    },
  ];
}

/** The project's model package group and code repositories. */
function sagemakerStatements({ aws, perProject }: ProjectPatterns): PolicyStatement[] {
  const sagemaker = (resource: string) => aws.arn('sagemaker', resource);
  return [
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
  ];
}

/** The project's functions, their log groups, the approval rule and the failure queues. */
function functionStatements({ aws, projects }: ProjectPatterns): PolicyStatement[] {
  return [
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
        // aws_lambda_invocation: the seeding function runs when the project's setup or seed code changes.
        'lambda:InvokeFunction',
      ],
      resources: [aws.arn('lambda', `function:${projects}`)],
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
      resources: [aws.arn('logs', `log-group:/aws/lambda/${projects}`)],
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
      resources: [aws.arn('events', `rule/${projects}`)],
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
      resources: [aws.arn('sqs', projects)],
    },
  ];
}

/** What the runner reads to bind a run to its SageMaker project. */
function bindingStatements({ aws }: ProjectPatterns): PolicyStatement[] {
  return [
    {
      // Before init, the runner checks that the SageMaker project named in the run exists, has the id
      // given, and is backed by the provisioned product of the CloudFormation stack the run belongs to.
      sid: 'BindRunToSageMakerProject',
      effect: 'Allow',
      actions: ['sagemaker:DescribeProject', 'cloudformation:DescribeStacks'],
      resources: [aws.arn('sagemaker', 'project/*'), aws.arn('cloudformation', 'stack/SC-*')],
    },
  ];
}
