import { DataGitlabCurrentUser } from '@cdktf/provider-gitlab/lib/data-gitlab-current-user';
import { DataGitlabGroupIds } from '@cdktf/provider-gitlab/lib/data-gitlab-group-ids';
import { TerraformOutput } from 'cdktf';
import { GitLabNamespace } from '../../../constructs/gitlab/gitlab-namespace';
import { addressOf, child, synthScope } from '../../support/synth-scope';

const namespaceOf = (path: string) =>
  synthScope((scope) => {
    const namespace = new GitLabNamespace(scope, 'namespace', { path });
    new TerraformOutput(scope, 'namespace_id', { value: namespace.namespaceId });
    return namespace;
  });

describe('GitLabNamespace', () => {
  const { json, tf, built } = namespaceOf('ml-team/projects');
  const owner = addressOf(child<DataGitlabCurrentUser>(built, 'token-owner'));
  const group = addressOf(child<DataGitlabGroupIds>(built, 'group'));
  const personal = `((length("ml-team/projects") < 1) || (lower("ml-team/projects") == lower(${owner}.username)))`;

  test("looks the group path up only when it is not the token owner's own namespace (empty or the owner's username, any case)", () => {
    expect(json).toHaveDataSource(DataGitlabCurrentUser);
    expect(json).toHaveDataSourceWithProperties(DataGitlabGroupIds, { group: 'ml-team/projects', count: `\${${personal} ? 0 : 1}` });
  });

  test("the namespace id is the owner's personal namespace or the group's id", () => {
    expect(tf.output.namespace_id.value).toBe(`\${${personal} ? ${owner}.namespace_id : one(${group}[*].group_id)}`);
  });
});
