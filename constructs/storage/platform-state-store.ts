import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsIamSessionContext } from '@cdktf/provider-aws/lib/data-aws-iam-session-context';
import { Construct } from 'constructs';
import { ARTIFACT_KEYS, STATE_KEY_PREFIX } from '../../contract/runner';
import { GRANTS_POLICY, IGrantable } from '../iam/policy';
import { EncryptionKey } from '../security/encryption-key';
import { LockTable } from './lock-table';
import { OBJECT_ACTIONS, SecureBucket } from './secure-bucket';

export interface PlatformStateStoreProps {
  /** Name of the platform bucket (state, runner artifacts, templates). */
  readonly bucketName: string;
  /** Name of the lock table. */
  readonly lockTableName: string;
  readonly encryptionKey: EncryptionKey;
  /** ARN of the role that runs Terraform for projects: the only principal that may touch project state. */
  readonly runnerRoleArn: string;
}

/** Days a superseded project state version is kept (the runner artifacts of old product versions are kept for good). */
const STATE_VERSION_DAYS = 90;

/**
 * Where the projects' Terraform state and the runner's artifacts live: the platform bucket (KMS,
 * versioned, TLS-only) and the lock table. Its policy draws two lines no identity policy can cross:
 * only the runner reads or writes project state, and only whoever deploys this stack writes what the
 * runner executes (`command-runner/`); `reserveForRunner` adds a third: only the runner writes the
 * CodeBuild engine's cache. Superseded artifacts are never expired, so an older product version still
 * finds its own code.
 */
export class PlatformStateStore extends Construct {
  readonly bucket: SecureBucket;
  readonly lockTable: LockTable;
  /** Prefix of the projects' state keys (`<prefix>/<project id>/terraform.tfstate`). */
  readonly statePrefix = `${STATE_KEY_PREFIX}/`;
  private readonly runnerRoleArn: string;

  constructor(scope: Construct, id: string, props: PlatformStateStoreProps) {
    super(scope, id);
    this.runnerRoleArn = props.runnerRoleArn;
    // The role (not the session) of whoever runs `cdktf deploy` now: the next deployer takes its place.
    const deployer = new DataAwsIamSessionContext(this, 'deployer', { arn: new DataAwsCallerIdentity(this, 'caller').arn });
    this.bucket = new SecureBucket(this, 'bucket', {
      bucketName: props.bucketName,
      encryptionKey: props.encryptionKey,
      noncurrentVersionExpiration: { days: STATE_VERSION_DAYS, prefix: this.statePrefix },
    });
    this.bucket.addToResourcePolicy(
      {
        sid: 'ProjectStateOnlyForTheRunner',
        effect: 'Deny',
        principals: [{ type: '*', identifiers: ['*'] }],
        actions: OBJECT_ACTIONS,
        resources: [this.bucket.objectArn(`${this.statePrefix}*`)],
        condition: [{ test: 'ArnNotEquals', variable: 'aws:PrincipalArn', values: [props.runnerRoleArn] }],
      },
      {
        sid: 'RunnerArtifactsOnlyFromTheDeployer',
        effect: 'Deny',
        principals: [{ type: '*', identifiers: ['*'] }],
        actions: ['s3:PutObject', 's3:DeleteObject', 's3:DeleteObjectVersion', 's3:PutObjectTagging', 's3:PutObjectAcl'],
        resources: [this.bucket.objectArn(`${ARTIFACT_KEYS.root}*`)],
        condition: [{ test: 'ArnNotEquals', variable: 'aws:PrincipalArn', values: [deployer.issuerArn] }],
      },
    );
    this.lockTable = new LockTable(this, 'lock-table', { tableName: props.lockTableName, encryptionKey: props.encryptionKey });
  }

  /**
   * Only the runner role writes or deletes objects under `prefix` (the CodeBuild engine's cache: the
   * providers terraform init downloaded, which later builds execute as the runner), whatever identity
   * policies say elsewhere.
   */
  reserveForRunner(prefix: string): void {
    this.bucket.addToResourcePolicy({
      sid: 'RunnerCacheOnlyFromTheRunner',
      effect: 'Deny',
      principals: [{ type: '*', identifiers: ['*'] }],
      actions: ['s3:PutObject', 's3:DeleteObject'],
      resources: [this.bucket.objectArn(`${prefix}/*`)],
      condition: [{ test: 'ArnNotEquals', variable: 'aws:PrincipalArn', values: [this.runnerRoleArn] }],
    });
  }

  /** What a runner needs: project state read/write with locking, and reading the artifacts (old versions included). */
  grantRunner(runner: IGrantable): void {
    this.bucket.grantReadWrite(runner, `${this.statePrefix}*`);
    this.bucket.grantRead(runner, `${ARTIFACT_KEYS.root}*`);
    runner.addToPolicy(GRANTS_POLICY, [
      {
        sid: 'FindArtifactsOfOlderVersions',
        effect: 'Allow',
        actions: ['s3:ListBucketVersions'],
        resources: [this.bucket.bucketArn],
        condition: [{ test: 'StringLike', variable: 's3:prefix', values: [`${ARTIFACT_KEYS.root}*`] }],
      },
    ]);
    this.lockTable.grantLock(runner);
  }
}
