import { commitActions, decideSeeding, isSeedCommit, isText, seedCommitMessage } from '../../lambda/seed-code/seed-plan';
import { backoffDelay } from '../../lambda/shared/retry';

const ID = 'p-abcdefghijkl';

describe('seed decisions', () => {
  test('an empty repository is seeded', () => {
    expect(decideSeeding({ emptyRepo: true, recentCommitMessages: [] }, ID)).toEqual({ action: 'commit' });
  });

  test('a repository holding this project\'s seed commit among recent commits is left as it is', () => {
    const messages = ['Tune hyperparameters', seedCommitMessage('model-build', { name: 'churn', id: ID }, 'ab12')];
    expect(decideSeeding({ emptyRepo: false, recentCommitMessages: messages }, ID)).toMatchObject({ action: 'leave', outcome: 'already-seeded' });
  });

  test('another project\'s seed commit is foreign content', () => {
    const messages = [seedCommitMessage('model-build', { name: 'churn', id: 'p-000000000000' }, 'ab12')];
    expect(decideSeeding({ emptyRepo: false, recentCommitMessages: messages }, ID)).toMatchObject({ action: 'leave', outcome: 'foreign-content' });
  });

  test('the trailer must be a line of its own', () => {
    expect(isSeedCommit(`Revert "SageMaker-Project-Seed: ${ID}"`, ID)).toBe(false);
    expect(isSeedCommit(`Seed\n\nSageMaker-Project-Seed: ${ID}\n`, ID)).toBe(true);
  });

  test('text is UTF-8 without NUL; anything else is binary and goes base64', () => {
    expect(isText(Buffer.from('héllo\n'))).toBe(true);
    expect(isText(Buffer.from([0x68, 0x00, 0x69]))).toBe(false);
    expect(isText(Buffer.from([0xc3, 0x28]))).toBe(false);
    const actions = commitActions([
      { path: 'a.py', content: Buffer.from('print(1)\n') },
      { path: 'm.bin', content: Buffer.from([0, 1, 255]) },
    ]);
    expect(actions).toEqual([
      { action: 'create', filePath: 'a.py', content: 'print(1)\n', encoding: 'text' },
      { action: 'create', filePath: 'm.bin', content: 'AAH/', encoding: 'base64' },
    ]);
  });
});

describe('retry backoff', () => {
  const policy = { attempts: 4, baseDelayMs: 1000, maxDelayMs: 3000 };
  test('doubles per attempt, is capped, and jitters between half and the full delay', () => {
    expect([1, 2, 3, 4].map((attempt) => backoffDelay(policy, attempt, () => 1))).toEqual([1000, 2000, 3000, 3000]);
    expect(backoffDelay(policy, 2, () => 0)).toBe(1000);
  });
});
