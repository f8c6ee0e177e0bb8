import { decideAccessKey, ProjectKeyVariables, UserKey } from '../../lambda/seed-code/ci-access-key';
import { commitActions, decideSeeding, isSeedCommit, isText, seedCommitMessage } from '../../lambda/seed-code/seed-plan';
import { decideTrigger } from '../../lambda/seed-code/trigger-token';

const ID = 'p-abcdefghijkl';
const seedMessage = seedCommitMessage('model-build', { name: 'churn', id: ID }, 'ab12');

describe('seed decisions', () => {
  test('an empty repository is seeded', () => {
    expect(decideSeeding({ emptyRepo: true }, ID, 'main')).toEqual({ action: 'commit' });
  });

  test('the seed tag decides, whatever the repository holds', () => {
    expect(decideSeeding({ emptyRepo: false, seedTagCommit: 'c0ffee' }, ID, 'main')).toEqual({ action: 'leave', commitId: 'c0ffee' });
  });

  test('our untagged seed commit as the newest commit is tagged; anything else is refused with what was found', () => {
    expect(decideSeeding({ emptyRepo: false, branchHead: { id: 'abc', message: seedMessage } }, ID, 'main')).toEqual({ action: 'tag', commitId: 'abc' });
    const otherProject = seedCommitMessage('model-build', { name: 'churn', id: 'p-000000000000' }, 'ab12');
    expect(decideSeeding({ emptyRepo: false, branchHead: { id: 'abcdef123456', message: otherProject } }, ID, 'main')).toMatchObject({
      action: 'refuse',
      found: expect.stringContaining('branch main holds commits that are not this project\'s seed commit (newest: abcdef12 "Seed model-build code'),
    });
    expect(decideSeeding({ emptyRepo: false, otherBranches: ['dev'] }, ID, 'main')).toEqual({
      action: 'refuse',
      found: 'branch main does not exist, but the repository has other branches (dev)',
    });
  });

  test('the trailer must be a line of its own', () => {
    expect(isSeedCommit(`Revert "SageMaker-Project-Seed: ${ID}"`, ID)).toBe(false);
    expect(isSeedCommit(`Seed\n\nSageMaker-Project-Seed: ${ID}\n`, ID)).toBe(true);
  });

  test('text is UTF-8 without NUL; anything else is binary and goes base64', () => {
    expect(isText(Buffer.from('héllo\n'))).toBe(true);
    expect(isText(Buffer.from([0x68, 0x00, 0x69]))).toBe(false);
    expect(isText(Buffer.from([0xc3, 0x28]))).toBe(false);
    expect(
      commitActions([
        { path: 'a.py', content: Buffer.from('print(1)\n') },
        { path: 'm.bin', content: Buffer.from([0, 1, 255]) },
      ]),
    ).toEqual([
      { action: 'create', file_path: 'a.py', content: 'print(1)\n', encoding: 'text' },
      { action: 'create', file_path: 'm.bin', content: 'AAH/', encoding: 'base64' },
    ]);
  });
});

describe('deploy trigger decision', () => {
  const trigger = (id: number, token: string) => ({ id, description: 'ours', token });

  test('keeps the trigger whose token the secret holds and removes our others', () => {
    expect(decideTrigger([trigger(1, 'glptt-a'), trigger(2, 'glptt-b')], 'glptt-b')).toEqual({ action: 'keep', triggerId: 2, remove: [1] });
  });

  test('creates one when the secret is empty or matches none (a shortened token never matches)', () => {
    expect(decideTrigger([trigger(1, 'glpt')], 'glptt-a')).toEqual({ action: 'create', remove: [1] });
    expect(decideTrigger([], undefined)).toEqual({ action: 'create', remove: [] });
  });
});

describe('CI access key decision', () => {
  const key = (id: string, created: number, active = true): UserKey => ({ id, active, created });
  const variable = (key: string, value: string, flags: Partial<{ masked: boolean; protected: boolean; raw: boolean }> = {}) => ({
    key,
    value,
    masked: true,
    protected: true,
    raw: true,
    ...flags,
  });
  const holding = (id: string, flags = {}): ProjectKeyVariables => ({
    keyId: variable('AWS_ACCESS_KEY_ID', id),
    secret: variable('AWS_SECRET_ACCESS_KEY', 'secret', flags),
  });

  test('keeps the active key both projects hold, and deletes the rest', () => {
    expect(decideAccessKey([key('A', 1), key('B', 2)], [holding('A'), holding('A')])).toEqual({ action: 'keep', keyId: 'A', remove: ['B'] });
  });

  test.each([
    ['the projects hold different keys', [holding('A'), holding('B')]],
    ['a variable is unmasked, unprotected or expanded', [holding('A'), holding('A', { raw: false })]],
    ['a project lacks the key variables', [holding('A'), {}]],
  ])('rotates when %s', (reason, projects) => {
    expect(decideAccessKey([key('A', 1)], projects)).toMatchObject({ action: 'rotate', reason });
  });

  test('rotates an inactive or unknown key', () => {
    expect(decideAccessKey([key('A', 1, false)], [holding('A'), holding('A')])).toMatchObject({
      action: 'rotate',
      reason: 'the key in the variables is inactive',
    });
    expect(decideAccessKey([], [holding('A'), holding('A')])).toMatchObject({
      action: 'rotate',
      reason: 'the variables hold no key of the CI user',
      removeFirst: [],
      removeAfter: [],
    });
  });

  test("makes room for the new key under IAM's limit of two: unreferenced keys first, then the oldest", () => {
    expect(decideAccessKey([key('OLD', 1), key('USED', 2)], [holding('USED'), holding('GONE')])).toEqual({
      action: 'rotate',
      reason: 'the projects hold different keys',
      removeFirst: ['OLD'],
      removeAfter: ['USED'],
    });
    expect(decideAccessKey([key('B', 2), key('A', 1)], [holding('A'), holding('B')])).toMatchObject({ removeFirst: ['A'], removeAfter: ['B'] });
  });
});
