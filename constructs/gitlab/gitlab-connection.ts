import { GitlabProvider } from '@cdktf/provider-gitlab/lib/provider';
import { Construct } from 'constructs';
import { EphemeralResource } from '../terraform/ephemeral';

export interface GitLabConnectionProps {
  /** Base URL of the platform's GitLab (https, no trailing slash): fixed at synth. */
  readonly gitlabUrl: string;
  /** Name or ARN of the Secrets Manager secret holding the API token as plain text. */
  readonly tokenSecretId: string;
}

/**
 * The gitlab provider of a stack, authenticated with the token kept in Secrets Manager. The token is
 * read through an ephemeral resource: it reaches the provider's configuration and nothing else, and
 * never a plan, a state file, a variable or an output.
 */
export class GitLabConnection extends Construct {
  readonly provider: GitlabProvider;

  constructor(scope: Construct, id: string, props: GitLabConnectionProps) {
    super(scope, id);
    const token = new EphemeralResource(this, 'token', 'aws_secretsmanager_secret_version', { secret_id: props.tokenSecretId });
    // The provider checks the token with one request when it starts (its early auth check), so a
    // wrong token fails the plan, before anything is created.
    this.provider = new GitlabProvider(this, 'provider', {
      // The provider wants the API endpoint with a trailing slash.
      baseUrl: `${props.gitlabUrl}/api/v4/`,
      token: token.attribute('secret_string'),
    });
  }
}
