import type { CommitFileAction } from '../shared/gitlab';
import type { SeedFile, SeedRepository } from './seed-files';

/** Git trailer that marks the seed commit of a SageMaker project; its value is the project id. */
export const SEED_TRAILER = 'SageMaker-Project-Seed';

/** What to do with one repository. */
export type SeedDecision =
  | { readonly action: 'commit' }
  | { readonly action: 'leave'; readonly outcome: 'already-seeded' | 'foreign-content'; readonly reason: string };

/** What is known about a repository before seeding it. */
export interface RepositoryFacts {
  readonly emptyRepo: boolean;
  /** Messages of the newest commits on the default branch (empty when the repository is empty). */
  readonly recentCommitMessages: readonly string[];
}

/** Whether a commit message carries this project's seed trailer. */
export function isSeedCommit(message: string, sagemakerProjectId: string): boolean {
  return message.split('\n').some((line) => line.trim() === `${SEED_TRAILER}: ${sagemakerProjectId}`);
}

/**
 * Seeds only an empty repository. A repository with content is never written to: it holds the seed
 * commit already (a retried apply), or someone else's work, which is theirs to keep.
 */
export function decideSeeding(facts: RepositoryFacts, sagemakerProjectId: string): SeedDecision {
  if (facts.emptyRepo) return { action: 'commit' };
  if (facts.recentCommitMessages.some((message) => isSeedCommit(message, sagemakerProjectId))) {
    return { action: 'leave', outcome: 'already-seeded', reason: `the repository already holds the seed commit of ${sagemakerProjectId}` };
  }
  return {
    action: 'leave',
    outcome: 'foreign-content',
    reason: 'the repository already has commits that are not this project\'s seed commit; left untouched, commit the seed code yourself if you want it',
  };
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
      ? { action: 'create', filePath: file.path, content: file.content.toString('utf8'), encoding: 'text' }
      : { action: 'create', filePath: file.path, content: file.content.toString('base64'), encoding: 'base64' },
  );
}

/** The seed commit's message, ending with the trailers that make seeding idempotent and traceable. */
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
