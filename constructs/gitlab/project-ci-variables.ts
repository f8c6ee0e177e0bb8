import { DataAwsSecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/data-aws-secretsmanager-secret-version';
import { ProjectVariable } from '@cdktf/provider-gitlab/lib/project-variable';
import { Fn, IResolvable, Op, Token } from 'cdktf';
import { Construct } from 'constructs';
import { attributeOfOptional, isEmpty } from '../terraform/counted';
import { CI_VARIABLES } from './ci-variables';

/** The values of the variables both projects get (the contract's `common` list, no more, no less). */
export type CommonCiValues = Record<(typeof CI_VARIABLES.common)[number], string>;

export interface CiAwsIdentityProps {
  /** Role GitLab CI assumes with ID tokens; empty selects access-keys mode. */
  readonly roleArn: string;
  /** Secret holding the access key id (access-keys mode). */
  readonly accessKeyIdSecretName: string;
  /** Secret holding the secret access key (access-keys mode). */
  readonly secretAccessKeySecretName: string;
}

/**
 * How GitLab CI authenticates to AWS, decided at plan time by the variables: a role to assume
 * (oidc), or an access key read from Secrets Manager (access-keys). Only the chosen mode's
 * secrets are read.
 */
export class CiAwsIdentity extends Construct {
  /** Whether CI assumes a role (a Terraform boolean expression). */
  readonly oidc: IResolvable;
  readonly roleArn: string;
  /** The access key id and secret (null in oidc mode). */
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** `count` of what exists only in oidc mode (1 or 0), and of what exists only in access-keys mode. */
  readonly oidcCount: number;
  readonly accessKeysCount: number;

  constructor(scope: Construct, id: string, props: CiAwsIdentityProps) {
    super(scope, id);
    this.oidc = Op.not(isEmpty(props.roleArn));
    this.oidcCount = Token.asNumber(Fn.conditional(this.oidc, 1, 0));
    this.accessKeysCount = Token.asNumber(Fn.conditional(this.oidc, 0, 1));
    this.roleArn = props.roleArn;
    const readInAccessKeysMode = (secretId: string, name: string) =>
      attributeOfOptional(
        new DataAwsSecretsmanagerSecretVersion(this, name, { secretId, count: this.accessKeysCount }),
        'secret_string',
      );
    this.accessKeyId = readInAccessKeysMode(props.accessKeyIdSecretName, 'access-key-id');
    this.secretAccessKey = readInAccessKeysMode(props.secretAccessKeySecretName, 'secret-access-key');
  }
}

export interface ProjectCiVariablesProps {
  /** GitLab project id. */
  readonly projectId: string;
  /** Values of the common variables. */
  readonly values: CommonCiValues;
  /** The AWS identity of the project's CI jobs. */
  readonly identity: CiAwsIdentity;
}

/**
 * The CI/CD variables of one GitLab project, as ci-variables.ts lists them: the common ones in
 * plain sight, the role ARN in oidc mode, the access key masked and protected in access-keys mode.
 * Every value is `raw`, so GitLab never expands a `$` inside it.
 */
export class ProjectCiVariables extends Construct {
  /** Every variable resource (for `dependsOn`: nothing may push before they exist). */
  readonly variables: ProjectVariable[] = [];

  constructor(scope: Construct, id: string, props: ProjectCiVariablesProps) {
    super(scope, id);
    const variable = (key: string, value: string, options: { secret?: boolean; count?: number; description: string }) => {
      const resource = new ProjectVariable(this, key, {
        project: props.projectId,
        key,
        value,
        description: options.description,
        masked: options.secret ?? false,
        protected: options.secret ?? false,
        raw: true,
        count: options.count,
      });
      this.variables.push(resource);
    };
    for (const key of CI_VARIABLES.common) variable(key, props.values[key], { description: 'Set by the sagemaker-project stack' });
    const [roleArnKey] = CI_VARIABLES.oidc;
    const [accessKeyIdKey, secretAccessKeyKey] = CI_VARIABLES.accessKeys;
    variable(roleArnKey, props.identity.roleArn, { count: props.identity.oidcCount, description: 'Role CI jobs assume with a GitLab ID token' });
    variable(accessKeyIdKey, props.identity.accessKeyId, { count: props.identity.accessKeysCount, secret: true, description: 'Access key of the GitLab CI IAM user' });
    variable(secretAccessKeyKey, props.identity.secretAccessKey, { count: props.identity.accessKeysCount, secret: true, description: 'Secret access key of the GitLab CI IAM user' });
  }
}
