import { seedTagName } from '../../contract/function-settings';
import { RequestError } from '../shared/failure';
import type { Logger } from '../shared/log';
import type { GitLabProjects, ProjectInfo } from './gitlab-projects';
import { readSeedFiles, SeedManifest, SeedRepository } from './seed-files';
import { commitActions, decideSeeding, RepositoryFacts, seedCommitMessage } from './seed-plan';

/** One repository to seed: which seed folder goes into which GitLab project. */
export interface SeedTarget {
  readonly repository: SeedRepository;
  readonly gitlabProjectId: number;
}

export interface SeedOutcome {
  readonly repository: SeedRepository;
  readonly gitlabProjectId: number;
  readonly outcome: 'seeded' | 'already-seeded';
  readonly commitId: string;
}

/** A repository holding something else than this project's seed commit: the apply must fail. */
export class ForeignContentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ForeignContentError';
  }
}

export interface SeedRepositoriesStep {
  readonly gitlab: GitLabProjects;
  readonly branch: string;
  readonly project: { readonly name: string; readonly id: string };
  readonly manifest: SeedManifest;
  /** Folder of the Lambda package (seed-code/ is there). */
  readonly packageDir: string;
  readonly log: Logger;
}

/** Rounds of inspect-decide-act: a commit whose answer was lost is found by the next inspection. */
const MAX_ROUNDS = 3;

async function inspect(step: SeedRepositoriesStep, gitlabProjectId: number, tag: string): Promise<{ info: ProjectInfo; facts: RepositoryFacts }> {
  const { gitlab, branch } = step;
  const info = await gitlab.project(gitlabProjectId);
  const seedTagCommit = await gitlab.taggedCommit(gitlabProjectId, tag);
  if (seedTagCommit || info.emptyRepo) return { info, facts: { emptyRepo: info.emptyRepo, seedTagCommit } };
  const branchHead = await gitlab.branchHead(gitlabProjectId, branch);
  const otherBranches = branchHead ? undefined : await gitlab.branchNames(gitlabProjectId);
  return { info, facts: { emptyRepo: false, branchHead, otherBranches } };
}

function refusal(step: SeedRepositoriesStep, info: ProjectInfo, found: string, tag: string): ForeignContentError {
  return new ForeignContentError(
    `Repository ${info.pathWithNamespace} (GitLab project ${info.id}) was not seeded: ${found}, and it has no tag ${tag}. ` +
      'Seeding never writes over existing work. To proceed, either empty the repository (or delete the GitLab project and apply again, ' +
      `which creates a new one) so the seed code can be committed, or keep its content without the seed code: create the tag ${tag} on ` +
      `branch ${step.branch} and apply again.`,
  );
}

/** Seeds one repository: one commit of every seed file, tagged; or nothing, when the tag is there. */
export async function seedRepository(step: SeedRepositoriesStep, target: SeedTarget): Promise<SeedOutcome> {
  const { gitlab, log, branch, project } = step;
  const tag = seedTagName(project.id);
  const where = { repository: target.repository, gitlabProjectId: target.gitlabProjectId };
  for (let round = 1; ; round++) {
    const { info, facts } = await inspect(step, target.gitlabProjectId, tag);
    const decision = decideSeeding(facts, project.id, branch);
    if (decision.action === 'refuse') throw refusal(step, info, decision.found, tag);
    if (decision.action === 'leave') {
      log.info(`${info.pathWithNamespace} is seeded already (tag ${tag} on ${decision.commitId.slice(0, 8)}): left as it is`, { ...where, outcome: 'already-seeded' });
      return { ...where, outcome: 'already-seeded', commitId: decision.commitId };
    }
    let commitId: string;
    if (decision.action === 'tag') {
      commitId = decision.commitId;
      log.info(`${info.pathWithNamespace} holds the seed commit without its tag (an earlier run stopped in between): tagging it`, where);
    } else {
      const digest = step.manifest[target.repository].digest;
      const files = readSeedFiles(step.packageDir, target.repository, step.manifest);
      try {
        commitId = await gitlab.createCommit(target.gitlabProjectId, branch, seedCommitMessage(target.repository, project, digest), commitActions(files));
      } catch (error) {
        // GitLab may have stored the commit although the answer was lost: the next inspection tells.
        if (error instanceof RequestError && error.advice === 'ambiguous' && round < MAX_ROUNDS) {
          log.warn(`The seed commit of ${info.pathWithNamespace} may or may not have landed: looking again`, where);
          continue;
        }
        throw error;
      }
      log.info(`Committed ${files.length} seed files to ${info.pathWithNamespace}`, { ...where, commitId, files: files.length });
    }
    await gitlab.createTag(target.gitlabProjectId, tag, commitId, `Seed code of SageMaker project ${project.name} (${project.id})`);
    log.info(`Seeded ${info.pathWithNamespace}`, { ...where, outcome: 'seeded', commitId });
    return { ...where, outcome: 'seeded', commitId };
  }
}
