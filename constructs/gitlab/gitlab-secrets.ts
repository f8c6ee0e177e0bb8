import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { PolicyStatement } from '../iam/policy';
import { Secret } from '../security/secret';

export interface GitLabSecretsProps {
  /** Secret name prefix, e.g. `acme-dev-mlops/gitlab`. */
  readonly namePrefix: string;
  /** KMS key ARN that encrypts the secrets. */
  readonly kmsKeyArn: string;
  /** GitLab personal access token: a sensitive Terraform variable. */
  readonly privateToken: string;
  /** Username paired with the token for Git over HTTPS. */
  readonly username: string;
}

/**
 * The GitLab credentials every SageMaker project uses: the API token (for the gitlab provider and
 * the Lambdas) and `{"username","password"}` for SageMaker code repositories.
 */
export class GitLabSecrets extends Construct {
  readonly privateToken: Secret;
  readonly userCredentials: Secret;

  constructor(scope: Construct, id: string, props: GitLabSecretsProps) {
    super(scope, id);
    this.privateToken = new Secret(this, 'private-token', {
      secretName: `${props.namePrefix}/private-token`,
      description: 'GitLab personal access token (api scope) used to create and seed SageMaker project repositories',
      kmsKeyArn: props.kmsKeyArn,
      value: props.privateToken,
    });
    this.userCredentials = new Secret(this, 'user-credentials', {
      secretName: `${props.namePrefix}/user-credentials`,
      description: 'GitLab Git-over-HTTPS credentials {"username","password"} for SageMaker code repositories',
      kmsKeyArn: props.kmsKeyArn,
      value: Fn.jsonencode({ username: props.username, password: props.privateToken }),
    });
  }

  /** Read access to both secrets. */
  readStatements(): PolicyStatement[] {
    return [...this.privateToken.readStatements(), ...this.userCredentials.readStatements()];
  }
}
