import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { Construct } from 'constructs';
import { IamNoWriteOnWildcardResource } from '../../guardrails/rules/iam-no-write-on-wildcard-resource';
import { IamPassRoleScoped } from '../../guardrails/rules/iam-pass-role-scoped';
import { suppress } from '../../guardrails/suppressions';
import { AwsContext } from '../aws-context';
import { policyDocument, PolicyStatement } from '../iam/policy';
import { IEncryptionKey, keyUseStatement } from '../security/encryption-key';
import { anyProjectSageMakerResources, ciSageMakerStatements, JOB_METRICS_SUPPRESSION, pipelineStatements } from './project-permissions';
import { ProjectNamespace, projectPatterns } from './provisioning-permissions';

/** `iamPath` is also the policy's own path. */
export interface ProjectBoundaryProps extends ProjectNamespace {
  /** Policy name. */
  readonly policyName: string;
  /** Name of the secret holding the namespace token (only seeding functions use this part of the cap). */
  readonly tokenSecretName: string;
  /** The platform key projects use, each for its own data. */
  readonly platformKey: IEncryptionKey;
}

/**
 * The permissions boundary of every role and user a project stack creates: the most any of them can
 * ever be allowed, whatever policy the runner attaches. It admits the project identities' actions on
 * the platform's project resources (`<prefix>p-*`, SageMaker names with a project id), and nothing in
 * IAM but passing project roles to SageMaker and a CI user's own keys: no boundary, no project role,
 * can reach beyond the platform's projects, change a model's approval, or create identities.
 */
export class ProjectBoundary extends Construct {
  readonly policy: IamPolicy;
  readonly policyArn: string;

  constructor(scope: Construct, id: string, props: ProjectBoundaryProps) {
    super(scope, id);
    const aws = AwsContext.of(this);
    const { projects, projectRoles, projectUsers, projectSecrets } = projectPatterns(aws, props.resourcePrefix, props.iamPath);
    const sagemaker = anyProjectSageMakerResources(aws);
    const prefixed = (prefix: string, statements: PolicyStatement[]) =>
      statements.map((statement) => ({ ...statement, sid: `${prefix}${statement.sid ?? ''}` }));
    const statements: PolicyStatement[] = [
      ...prefixed('Ci', ciSageMakerStatements(sagemaker, [projectRoles])),
      ...prefixed('Pipeline', pipelineStatements(aws, sagemaker, [projectRoles])),
      {
        sid: 'ProjectBuckets',
        effect: 'Allow',
        actions: ['s3:ListBucket', 's3:GetObject', 's3:GetObjectVersion', 's3:PutObject', 's3:DeleteObject'],
        resources: [`arn:${aws.partition}:s3:::${projects}`, `arn:${aws.partition}:s3:::${projects}/*`],
      },
      {
        sid: 'ProjectDeployRecords',
        effect: 'Allow',
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
        resources: [aws.arn('dynamodb', `table/${projects}`)],
      },
      {
        sid: 'ProjectSecrets',
        effect: 'Allow',
        actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret', 'secretsmanager:PutSecretValue'],
        resources: [projectSecrets],
      },
      {
        // The seeding functions read the namespace token; no project identity may ever replace it.
        sid: 'NamespaceTokenRead',
        effect: 'Allow',
        actions: ['secretsmanager:GetSecretValue'],
        resources: [aws.arn('secretsmanager', `secret:${props.tokenSecretName}-*`)],
      },
      {
        ...keyUseStatement(props.platformKey.keyArn, aws.region, { via: ['s3', 'dynamodb', 'secretsmanager'], mode: 'encrypt-decrypt' }),
        sid: 'PlatformKeyThroughServices',
      },
      {
        sid: 'ProjectFunctionLogs',
        effect: 'Allow',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [aws.arn('logs', `log-group:/aws/lambda/${projects}:*`)],
      },
      { sid: 'ProjectFailureQueues', effect: 'Allow', actions: ['sqs:SendMessage'], resources: [aws.arn('sqs', projects)] },
      {
        sid: 'CiUserOwnKeys',
        effect: 'Allow',
        actions: ['iam:CreateAccessKey', 'iam:ListAccessKeys', 'iam:DeleteAccessKey'],
        resources: [projectUsers],
      },
    ];
    this.policy = new IamPolicy(this, 'policy', {
      name: props.policyName,
      path: props.iamPath,
      description: 'Permissions boundary of every role and user a SageMaker project stack creates',
      policy: policyDocument(this, 'document', statements).json,
    });
    this.policyArn = this.policy.arn;
    suppress(this, IamNoWriteOnWildcardResource.id, JOB_METRICS_SUPPRESSION, { appliesTo: ['PipelineJobMetrics'] });
    suppress(
      this,
      IamPassRoleScoped.id,
      "a boundary caps every project at once: it admits passing the roles under the project IAM path (each created with this boundary) to SageMaker; each role's own policy names its one pipeline role",
      { appliesTo: ['CiPassPipelineRole', 'PipelinePassRoleToOwnJobs'] },
    );
  }
}
