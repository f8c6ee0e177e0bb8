import { BranchProtection } from '@cdktf/provider-gitlab/lib/branch-protection';
import { Project } from '@cdktf/provider-gitlab/lib/project';
import { Construct } from 'constructs';

export interface GitLabRepositoryProps {
  /** Project name (also its path). */
  readonly name: string;
  /** What the project holds, shown in GitLab. */
  readonly description: string;
  /** Namespace (user or group) id that holds the project. */
  readonly namespaceId: number;
  /** Default branch: the one seeded, protected, and trusted by the project's CI role. */
  readonly defaultBranch: string;
  /**
   * Lowest role that may pass variables to a pipeline, which override project variables
   * (GitLab.com gives new projects `no_one_allowed`).
   */
  readonly pipelineVariablesMinimumRole: 'no_one_allowed' | 'developer' | 'maintainer' | 'owner';
}

/**
 * A private GitLab project whose default branch is protected before anything is pushed, so the
 * first pipeline already gets protected CI variables. Forks are disabled: a fork's pipelines would
 * run the project's code under another path. Jobs that share a resource group run oldest pipeline
 * first, so an older deploy can never land after a newer one. Destroying it archives the project:
 * the code data scientists wrote is never deleted by Terraform.
 */
export class GitLabRepository extends Construct {
  readonly project: Project;
  /** Numeric project id (a string expression). */
  readonly projectId: string;
  /** `<namespace>/<path>`: the `project_path` of the project's CI ID tokens. */
  readonly pathWithNamespace: string;
  /** Clone URL over HTTPS, as GitLab reports it. */
  readonly httpCloneUrl: string;
  readonly webUrl: string;
  /** The protection of the default branch: what must exist before the first push. */
  readonly defaultBranchProtection: BranchProtection;

  constructor(scope: Construct, id: string, props: GitLabRepositoryProps) {
    super(scope, id);
    // The provider records the project's runner registration token (runners_token, computed) in the
    // state; it is empty where the instance no longer issues registration tokens (README, Security model).
    this.project = new Project(this, 'project', {
      name: props.name,
      path: props.name,
      description: props.description,
      namespaceId: props.namespaceId,
      visibilityLevel: 'private',
      defaultBranch: props.defaultBranch,
      // The seed commit creates the branch; a README here would make the repository not empty.
      initializeWithReadme: false,
      archiveOnDestroy: true,
      forkingAccessLevel: 'disabled',
      ciPipelineVariablesMinimumOverrideRole: props.pipelineVariablesMinimumRole,
      resourceGroupDefaultProcessMode: 'oldest_first',
    });
    this.defaultBranchProtection = new BranchProtection(this, 'default-branch', {
      project: this.project.id,
      branch: props.defaultBranch,
      pushAccessLevel: 'maintainer',
      mergeAccessLevel: 'maintainer',
      allowForcePush: false,
    });
    this.projectId = this.project.id;
    this.pathWithNamespace = this.project.pathWithNamespace;
    this.httpCloneUrl = this.project.httpUrlToRepo;
    this.webUrl = this.project.webUrl;
  }
}
