import { Construct } from 'constructs';
import { TerraformVariable } from 'cdktf';
import { GRANTS_POLICY, IGrantable } from '../iam/policy';
import { IEncryptionKey } from '../security/encryption-key';
import { Secret } from '../security/secret';
import { ephemeralVariable } from '../terraform/ephemeral';

/** Terraform variables the platform team sets when deploying: the token, and the number that makes Terraform store a new one. */
export const TOKEN_VARIABLE = 'gitlab_private_token';
export const TOKEN_VERSION_VARIABLE = 'gitlab_private_token_version';

export interface GitLabTokenProps {
  /** Name of the secret. */
  readonly secretName: string;
  readonly encryptionKey: IEncryptionKey;
  /**
   * Who may read the token: the runner's role ARN and ARN patterns (ArnLike) of the seeding functions'
   * roles. Everyone else is denied by the secret's own policy, whatever their identity policies say.
   */
  readonly readerArnPatterns: string[];
}

/**
 * The platform's GitLab token (the `api` scope over the whole namespace): given at deploy time as an
 * ephemeral variable, written to Secrets Manager with a write-only argument, so it is in no plan and no
 * state. Its shape is checked by a precondition, whose message Terraform prints without the value (a
 * `validation` block on a sensitive variable would print it). Only the runner and the projects'
 * seeding functions can read it: the secret's policy denies everyone else.
 */
export class GitLabToken extends Construct {
  readonly secret: Secret;
  readonly tokenVariable: TerraformVariable;

  constructor(scope: Construct, id: string, props: GitLabTokenProps) {
    super(scope, id);
    this.tokenVariable = ephemeralVariable(this, TOKEN_VARIABLE, {
      type: 'string',
      sensitive: true,
      nullable: false,
      description: `GitLab access token with the api scope, owned by an Owner of the namespace group. Give it as TF_VAR_${TOKEN_VARIABLE}, never in a file; Terraform keeps it in no plan or state.`,
    });
    this.tokenVariable.overrideLogicalId(TOKEN_VARIABLE);
    const version = new TerraformVariable(this, TOKEN_VERSION_VARIABLE, {
      type: 'number',
      default: 1,
      nullable: false,
      description: `Raise it (TF_VAR_${TOKEN_VERSION_VARIABLE}) to store a new token: Terraform keeps no copy of the token to compare with.`,
      validation: [
        {
          condition: `\${var.${TOKEN_VERSION_VARIABLE} >= 1 && floor(var.${TOKEN_VERSION_VARIABLE}) == var.${TOKEN_VERSION_VARIABLE}}`,
          errorMessage: `${TOKEN_VERSION_VARIABLE} must be a whole number, 1 or more.`,
        },
      ],
    });
    version.overrideLogicalId(TOKEN_VERSION_VARIABLE);

    const token = `var.${TOKEN_VARIABLE}`;
    this.secret = new Secret(this, 'secret', {
      secretName: props.secretName,
      description:
        'GitLab access token (api scope) that creates and seeds the repositories of SageMaker projects; read only by the runner and seeding functions',
      encryptionKey: props.encryptionKey,
      value: {
        value: this.tokenVariable.stringValue,
        version: version.numberValue,
        precondition: {
          condition: `\${length(${token}) >= 20 && !can(regex("\\\\s", ${token})) && !startswith(${token}, "{")}`,
          errorMessage: `${TOKEN_VARIABLE} is not a GitLab access token: it must be the token itself (at least 20 characters, no whitespace, not JSON). Set TF_VAR_${TOKEN_VARIABLE} again; the value is not shown.`,
        },
      },
      policyStatements: [
        {
          sid: 'OnlyRunnerAndSeedingFunctionsRead',
          effect: 'Deny',
          principals: [{ type: '*', identifiers: ['*'] }],
          actions: ['secretsmanager:GetSecretValue'],
          resources: ['*'],
          condition: [{ test: 'ArnNotLike', variable: 'aws:PrincipalArn', values: props.readerArnPatterns }],
        },
      ],
    });
  }

  /** Read access to the token. */
  grantRead(grantee: IGrantable, policyName = GRANTS_POLICY): void {
    this.secret.grantRead(grantee, policyName);
  }
}
