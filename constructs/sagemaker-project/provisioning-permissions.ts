import { AwsContext } from '../aws-context';
import { PROJECT_BUCKET_PREFIX } from '../gitlab/ci-permissions';
import { PolicyStatement } from '../iam/policy';

/**
 * What the CommandRunner instance needs to apply and destroy the sagemaker-project stack, scoped
 * to the names that stack gives its resources. Kept beside the stack's constructs so that a new
 * resource and the permission to create it change together.
 */
export function projectProvisioningStatements(aws: AwsContext): PolicyStatement[] {
  const projectBuckets = `arn:${aws.partition}:s3:::${PROJECT_BUCKET_PREFIX}*`;
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
  ];
}
