import { DataAwsSecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/data-aws-secretsmanager-secret-version';
import { GitlabProvider } from '@cdktf/provider-gitlab/lib/provider';
import { Construct } from 'constructs';

export interface GitLabConnectionProps {
  /** Base URL of the GitLab instance (https, no trailing slash). */
  readonly gitlabUrl: string;
  /** Name of the Secrets Manager secret holding the API token as plain text. */
  readonly tokenSecretName: string;
}

/**
 * The gitlab provider of a stack, authenticated with the token kept in Secrets Manager: the token
 * is read at plan time and never passes through a variable, a file or an output.
 */
export class GitLabConnection extends Construct {
  readonly provider: GitlabProvider;

  constructor(scope: Construct, id: string, props: GitLabConnectionProps) {
    super(scope, id);
    const token = new DataAwsSecretsmanagerSecretVersion(this, 'token', { secretId: props.tokenSecretName });
    // The provider checks the token with one request when it starts (its early auth check), so a
    // wrong token fails the plan, before anything is created.
    this.provider = new GitlabProvider(this, 'provider', {
      // The provider wants the API endpoint with a trailing slash.
      baseUrl: `${props.gitlabUrl}/api/v4/`,
      token: token.secretString,
    });
  }
}
