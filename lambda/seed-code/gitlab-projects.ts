import { GitLab, isNotFound } from '../shared/gitlab';
import { RequestError } from '../shared/failure';

/**
 * The GitLab REST API calls of the seeding function, typed: the two projects it was created for,
 * their repositories, CI/CD variables and the deploy project's pipeline triggers.
 */

export interface ProjectInfo {
  readonly id: number;
  readonly pathWithNamespace: string;
  /** True until the first commit. */
  readonly emptyRepo: boolean;
}

export interface CommitInfo {
  readonly id: string;
  readonly message: string;
  readonly authorName?: string;
}

/** One file of a commit, in the shape of GitLab's commits API (`actions[]`). */
export interface CommitFileAction {
  readonly action: 'create';
  readonly file_path: string;
  readonly content: string;
  /** `base64` for binary files; text otherwise. */
  readonly encoding: 'text' | 'base64';
}

export interface PipelineTrigger {
  readonly id: number;
  readonly description: string;
  /** In full only for triggers the authenticated user created; otherwise its first 4 characters. */
  readonly token: string;
}

export interface CiVariable {
  readonly key: string;
  readonly value: string;
  readonly masked: boolean;
  readonly protected: boolean;
  readonly raw: boolean;
}

const project = (id: number) => `/projects/${id}`;

export class GitLabProjects {
  constructor(private readonly gitlab: GitLab) {}

  async project(id: number): Promise<ProjectInfo> {
    const found = await this.gitlab.request<{ id: number; path_with_namespace: string; empty_repo?: boolean }>({ method: 'GET', path: project(id), idempotent: true });
    return { id: found.id, pathWithNamespace: found.path_with_namespace, emptyRepo: found.empty_repo === true };
  }

  /** The commit a tag points to, or undefined when there is no such tag. */
  async taggedCommit(id: number, tag: string): Promise<string | undefined> {
    const found = await this.gitlab.find<{ commit?: { id: string } }>(`${project(id)}/repository/tags/${encodeURIComponent(tag)}`);
    return found?.commit?.id;
  }

  /** The newest commit of a branch, or undefined when there is no such branch. */
  async branchHead(id: number, branch: string): Promise<CommitInfo | undefined> {
    const found = await this.gitlab.find<{ commit: { id: string; message: string; author_name?: string } }>(`${project(id)}/repository/branches/${encodeURIComponent(branch)}`);
    return found && { id: found.commit.id, message: found.commit.message, authorName: found.commit.author_name };
  }

  /** Names of (up to 20 of) the repository's branches. */
  async branchNames(id: number): Promise<string[]> {
    const branches = await this.gitlab.request<Array<{ name: string }>>({ method: 'GET', path: `${project(id)}/repository/branches`, query: { per_page: '20' }, idempotent: true });
    return branches.map((branch) => branch.name);
  }

  /** One commit on `branch` (created when missing). Not idempotent: callers find out whether it landed. */
  async createCommit(id: number, branch: string, message: string, actions: CommitFileAction[]): Promise<string> {
    const commit = await this.gitlab.request<{ id: string }>({
      method: 'POST',
      path: `${project(id)}/repository/commits`,
      json: { branch, commit_message: message, actions },
      idempotent: false,
    });
    return commit.id;
  }

  /** Creates tag `tag` on `commitId`; a tag that already points there (an earlier try landed) is fine. */
  async createTag(id: number, tag: string, commitId: string, message: string): Promise<void> {
    try {
      await this.gitlab.request({ method: 'POST', path: `${project(id)}/repository/tags`, json: { tag_name: tag, ref: commitId, message }, idempotent: false });
    } catch (error) {
      if (!(error instanceof RequestError) || (await this.taggedCommit(id, tag)) !== commitId) throw error;
    }
  }

  async triggers(id: number): Promise<PipelineTrigger[]> {
    return this.gitlab.request<PipelineTrigger[]>({ method: 'GET', path: `${project(id)}/triggers`, query: { per_page: '100' }, idempotent: true });
  }

  /** A new pipeline trigger. A duplicate from a retried request is harmless: stale triggers are deleted after. */
  async createTrigger(id: number, description: string): Promise<PipelineTrigger> {
    return this.gitlab.request<PipelineTrigger>({ method: 'POST', path: `${project(id)}/triggers`, json: { description }, idempotent: true });
  }

  async deleteTrigger(id: number, triggerId: number): Promise<void> {
    try {
      await this.gitlab.request({ method: 'DELETE', path: `${project(id)}/triggers/${triggerId}`, idempotent: true });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  /** A project-level CI/CD variable (environment scope `*`), or undefined when there is none. */
  async variable(id: number, key: string): Promise<CiVariable | undefined> {
    return this.gitlab.find<CiVariable>(`${project(id)}/variables/${encodeURIComponent(key)}`, { 'filter[environment_scope]': '*' });
  }

  /** Creates or updates a masked, protected, raw variable; `value` never reaches an error or a log line. */
  async putSecretVariable(id: number, key: string, value: string, exists: boolean): Promise<void> {
    const settings = { value, masked: true, protected: true, raw: true, variable_type: 'env_var' };
    const update = () =>
      this.gitlab.request({
        method: 'PUT',
        path: `${project(id)}/variables/${encodeURIComponent(key)}`,
        query: { 'filter[environment_scope]': '*' },
        json: settings,
        idempotent: true,
        secrets: [value],
      });
    if (exists) return void (await update());
    try {
      await this.gitlab.request({ method: 'POST', path: `${project(id)}/variables`, json: { key, environment_scope: '*', ...settings }, idempotent: false, secrets: [value] });
    } catch (error) {
      // Created by an earlier try whose answer was lost ("has already been taken"): update it instead.
      if (!(error instanceof RequestError && (error.details.status === 400 || error.advice === 'ambiguous'))) throw error;
      await update();
    }
  }
}
