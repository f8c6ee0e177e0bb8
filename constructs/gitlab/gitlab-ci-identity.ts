import { IamAccessKey } from '@cdktf/provider-aws/lib/iam-access-key';
import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { IamUser } from '@cdktf/provider-aws/lib/iam-user';
import { IamUserPolicy } from '@cdktf/provider-aws/lib/iam-user-policy';
import { Construct } from 'constructs';
import { AwsContext } from '../aws-context';
import { policyDocument } from '../iam/policy';
import { Role } from '../iam/role';
import { Secret } from '../security/secret';
import { gitlabCiStatements } from './ci-permissions';

export type GitLabCiAuthMode = 'oidc' | 'access-keys';

export interface GitLabCiIdentityProps {
  /** `oidc`: GitLab ID tokens and a role; `access-keys`: an IAM user whose key lives in Secrets Manager. */
  readonly mode: GitLabCiAuthMode;
  /** Name of the role or user (≤ 64 characters). */
  readonly name: string;
  /** GitLab base URL (https, no trailing slash); also the ID tokens' audience. */
  readonly gitlabUrl: string;
  /** Namespace whose projects may assume the role (oidc mode). */
  readonly namespace: string;
  /** Branch whose pipelines may assume the role (oidc mode). */
  readonly branch: string;
  /** Role the CI jobs pass to SageMaker (pipelines, models). */
  readonly sagemakerRoleArn: string;
  /** Prefix of the access-key secret names (access-keys mode). */
  readonly secretPrefix: string;
  /** KMS key ARN for the access-key secrets (access-keys mode). */
  readonly kmsKeyArn: string;
}

/**
 * The AWS identity GitLab CI jobs of every SageMaker project use.
 *
 * In `oidc` mode there is no long-lived key anywhere: an IAM OIDC provider for the GitLab host and a
 * role that only pipelines of projects under the namespace, on the given branch, can assume (the
 * token's `sub` claim). In `access-keys` mode (the seed's) an IAM user's key is kept in Secrets
 * Manager; the project stack copies it into masked, protected CI variables.
 */
export class GitLabCiIdentity extends Construct {
  readonly mode: GitLabCiAuthMode;
  /** Role CI jobs assume (oidc mode). */
  readonly roleArn?: string;
  /** Secrets holding the access key id and secret (access-keys mode). */
  readonly accessKeyId?: Secret;
  readonly secretAccessKey?: Secret;

  constructor(scope: Construct, id: string, props: GitLabCiIdentityProps) {
    super(scope, id);
    this.mode = props.mode;
    const statements = gitlabCiStatements(AwsContext.of(this), props.sagemakerRoleArn);

    if (props.mode === 'oidc') {
      const issuerHost = props.gitlabUrl.replace(/^https:\/\//, '');
      const provider = new IamOpenidConnectProvider(this, 'oidc-provider', {
        url: props.gitlabUrl,
        clientIdList: [props.gitlabUrl],
      });
      const role = new Role(this, 'role', {
        roleName: props.name,
        description: `GitLab CI of SageMaker projects under ${props.namespace} (branch ${props.branch})`,
        trust: [
          {
            effect: 'Allow',
            actions: ['sts:AssumeRoleWithWebIdentity'],
            principals: [{ type: 'Federated', identifiers: [provider.arn] }],
            condition: [
              { test: 'StringEquals', variable: `${issuerHost}:aud`, values: [props.gitlabUrl] },
              {
                test: 'StringLike',
                variable: `${issuerHost}:sub`,
                values: [`project_path:${props.namespace}/*:ref_type:branch:ref:${props.branch}`],
              },
            ],
          },
        ],
      });
      role.addPolicy('sagemaker-project-ci', statements);
      this.roleArn = role.roleArn;
      return;
    }

    const user = new IamUser(this, 'user', { name: props.name });
    new IamUserPolicy(this, 'user-policy', {
      name: 'sagemaker-project-ci',
      user: user.name,
      policy: policyDocument(this, 'user-policy-document', statements).json,
    });
    const key = new IamAccessKey(this, 'access-key', { user: user.name });
    this.accessKeyId = new Secret(this, 'access-key-id', {
      secretName: `${props.secretPrefix}/ci-access-key-id`,
      description: 'Access key id of the GitLab CI IAM user',
      kmsKeyArn: props.kmsKeyArn,
      value: key.id,
    });
    this.secretAccessKey = new Secret(this, 'secret-access-key', {
      secretName: `${props.secretPrefix}/ci-secret-access-key`,
      description: 'Secret access key of the GitLab CI IAM user',
      kmsKeyArn: props.kmsKeyArn,
      value: key.secret,
    });
  }
}
