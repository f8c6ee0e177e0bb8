import type { CommitFileAction, CommitInfo } from './gitlab-projects';
import type { SeedFile, SeedRepository } from './seed-files';

/** Git trailer that marks the seed commit of a SageMaker project; its value is the project id. */
export const SEED_TRAILER = 'SageMaker-Project-Seed';

/** What is known about a repository before seeding it. */
export interface RepositoryFacts {
  readonly emptyRepo: boolean;
  /** The commit the project's seed tag points to, when the tag exists. */
  readonly seedTagCommit?: string;
  /** The newest commit of the seed branch, when the branch exists (looked up only without a tag). */
  readonly branchHead?: CommitInfo;
  /** Other branches, looked up only when the seed branch does not exist. */
  readonly otherBranches?: readonly string[];
}

/** What to do with one repository. */
export type SeedDecision =
  /** The seed tag exists: seeded before (or accepted as seeded by its maintainers), however many commits followed. */
  | { readonly action: 'leave'; readonly commitId: string }
  /** Empty: commit the seed code, then tag it. */
  | { readonly action: 'commit' }
  /** The branch's newest commit is our seed commit, untagged (an earlier run stopped in between): tag it. */
  | { readonly action: 'tag'; readonly commitId: string }
  /** Someone else's content: never overwritten; `found` says what is there. */
  | { readonly action: 'refuse'; readonly found: string };

/** Whether a commit message carries this project's seed trailer on a line of its own. */
export function isSeedCommit(message: string, sagemakerProjectId: string): boolean {
  return message.split('\n').some((line) => line.trim() === `${SEED_TRAILER}: ${sagemakerProjectId}`);
}

/**
 * Seeds only an empty repository; a repository with content must carry the seed tag. The one
 * exception is the seed commit itself as the branch's newest commit, left untagged when a run
 * stopped between commit and tag (or GitLab stored the commit but answered an error).
 */
export function decideSeeding(facts: RepositoryFacts, sagemakerProjectId: string, branch: string): SeedDecision {
  if (facts.seedTagCommit) return { action: 'leave', commitId: facts.seedTagCommit };
  if (facts.emptyRepo) return { action: 'commit' };
  const head = facts.branchHead;
  if (head && isSeedCommit(head.message, sagemakerProjectId)) return { action: 'tag', commitId: head.id };
  if (head) {
    const title = head.message.split('\n')[0];
    return { action: 'refuse', found: `branch ${branch} holds commits that are not this project's seed commit (newest: ${head.id.slice(0, 8)} "${title}"${head.authorName ? ` by ${head.authorName}` : ''})` };
  }
  const others = facts.otherBranches ?? [];
  return { action: 'refuse', found: `branch ${branch} does not exist, but the repository has ${others.length ? `other branches (${others.join(', ')})` : 'content'}` };
}

/** Text GitLab can store as is: valid UTF-8 without NUL bytes. Anything else travels base64-encoded. */
export function isText(content: Buffer): boolean {
  if (content.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(content);
    return true;
  } catch {
    return false;
  }
}

/** One `create` action per file, binary files base64-encoded. */
export function commitActions(files: readonly SeedFile[]): CommitFileAction[] {
  return files.map((file) =>
    isText(file.content)
      ? { action: 'create', file_path: file.path, content: file.content.toString('utf8'), encoding: 'text' }
      : { action: 'create', file_path: file.path, content: file.content.toString('base64'), encoding: 'base64' },
  );
}

/** The seed commit's message, ending with the trailers that make it recognisable and traceable. */
export function seedCommitMessage(repository: SeedRepository, project: { name: string; id: string }, digest: string): string {
  return [
    `Seed ${repository} code for SageMaker project ${project.name}`,
    '',
    'Committed by the sagemaker-project stack when the project was created.',
    '',
    `${SEED_TRAILER}: ${project.id}`,
    `Seed-Code-Digest: sha256:${digest}`,
  ].join('\n');
}
