import { BranchProtection } from '@cdktf/provider-gitlab/lib/branch-protection';
import { Project } from '@cdktf/provider-gitlab/lib/project';
import { TerraformOutput } from 'cdktf';
import { GitLabRepository, GitLabRepositoryProps } from '../../../constructs/gitlab/gitlab-repository';
import { ref, synthScope } from '../../support/synth-scope';

const PROPS: GitLabRepositoryProps = {
  name: 'churn-model-build',
  description: 'Model build code',
  namespaceId: 42,
  defaultBranch: 'main',
  pipelineVariablesMinimumRole: 'no_one_allowed',
};

describe('GitLabRepository', () => {
  const { json, built } = synthScope((scope) => new GitLabRepository(scope, 'build-repository', PROPS));

  test('is a private, empty project in the namespace, named and pathed as given, on its default branch', () => {
    expect(json).toHaveResourceWithProperties(Project, {
      name: 'churn-model-build',
      path: 'churn-model-build',
      description: 'Model build code',
      namespace_id: 42,
      visibility_level: 'private',
      default_branch: 'main',
      initialize_with_readme: false,
    });
  });

  test('cannot be forked, takes pipeline variables only from the role given, runs a resource group oldest pipeline first', () => {
    expect(json).toHaveResourceWithProperties(Project, {
      forking_access_level: 'disabled',
      ci_pipeline_variables_minimum_override_role: 'no_one_allowed',
      resource_group_default_process_mode: 'oldest_first',
    });
    const deploy = synthScope((scope) => new GitLabRepository(scope, 'deploy-repository', { ...PROPS, pipelineVariablesMinimumRole: 'owner' }));
    expect(deploy.json).toHaveResourceWithProperties(Project, { ci_pipeline_variables_minimum_override_role: 'owner' });
  });

  test('is archived, never deleted, when destroyed', () => {
    expect(json).toHaveResourceWithProperties(Project, { archive_on_destroy: true });
  });

  test('its default branch is protected: only maintainers push or merge, nobody force-pushes', () => {
    expect(json).toHaveResourceWithProperties(BranchProtection, {
      project: ref(built.project, 'id'),
      branch: 'main',
      push_access_level: 'maintainer',
      merge_access_level: 'maintainer',
      allow_force_push: false,
    });
  });

  test('exposes the id, the path with namespace (the project_path of its CI ID tokens) and the clone URL GitLab reports', () => {
    const { tf, built: repository } = synthScope((scope) => {
      const repo = new GitLabRepository(scope, 'repo', PROPS);
      new TerraformOutput(scope, 'exposed', { value: [repo.projectId, repo.pathWithNamespace, repo.httpCloneUrl, repo.webUrl] });
      return repo;
    });
    expect(tf.output.exposed.value).toEqual(
      ['id', 'path_with_namespace', 'http_url_to_repo', 'web_url'].map((attribute) => ref(repository.project, attribute)),
    );
  });
});
