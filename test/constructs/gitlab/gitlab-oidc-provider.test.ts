import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { TerraformOutput } from 'cdktf';
import { GitLabOidcProvider } from '../../../constructs/gitlab/gitlab-oidc-provider';
import { ref, synthScope } from '../../support/synth-scope';

describe('GitLabOidcProvider', () => {
  test('trusts the GitLab host as issuer with the GitLab URL as audience, and nothing more (no role here)', () => {
    const { json, tf, built } = synthScope((scope) => {
      const provider = new GitLabOidcProvider(scope, 'gitlab-oidc', { gitlabUrl: 'https://gitlab.acme.io' });
      new TerraformOutput(scope, 'arn', { value: provider.arn });
      return provider;
    });
    expect(json).toHaveResourceWithProperties(IamOpenidConnectProvider, { url: 'https://gitlab.acme.io', client_id_list: ['https://gitlab.acme.io'] });
    expect(Object.keys(tf.resource)).toEqual(['aws_iam_openid_connect_provider']);
    expect(tf.output.arn.value).toBe(ref(built.provider, 'arn'));
  });
});
