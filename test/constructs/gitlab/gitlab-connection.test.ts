import { GitlabProvider } from '@cdktf/provider-gitlab/lib/provider';
import { GitLabConnection } from '../../../constructs/gitlab/gitlab-connection';
import { all, synthScope } from '../../support/synth-scope';

const { json, tf } = synthScope(
  (scope) => new GitLabConnection(scope, 'gitlab', { gitlabUrl: 'https://gitlab.acme.io', tokenSecretId: 'acme/gitlab/private-token' }),
);

describe('GitLabConnection', () => {
  test('configures the gitlab provider for the API of the GitLab given', () => {
    expect(json).toHaveProviderWithProperties(GitlabProvider, { base_url: 'https://gitlab.acme.io/api/v4/' });
  });

  test('the token reaches the provider through an ephemeral read of the secret, and nothing else', () => {
    expect(json).toHaveProviderWithProperties(GitlabProvider, { token: '${ephemeral.aws_secretsmanager_secret_version.gitlab_token.secret_string}' });
    expect(tf.ephemeral).toEqual({ aws_secretsmanager_secret_version: { gitlab_token: { secret_id: 'acme/gitlab/private-token' } } });
    expect(all(tf, 'aws_secretsmanager_secret_version', 'data')).toEqual({});
    expect(tf.variable).toBeUndefined();
    expect(tf.output).toBeUndefined();
  });
});
