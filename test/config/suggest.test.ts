import { closestMatches, editDistance, orList } from '../../config/suggest';

describe('suggestions', () => {
  test('edit distance counts insertions, deletions, substitutions and swapped neighbours, ignoring case', () => {
    expect(editDistance('namespace', 'namespace')).toBe(0);
    expect(editDistance('namspace', 'namespace')).toBe(1);
    expect(editDistance('namepsace', 'namespace')).toBe(1);
    expect(editDistance('Region', 'region')).toBe(0);
    expect(editDistance('eu-west-9', 'eu-west-1')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });

  test('the closest candidates, all of them when tied, none when the nearest is more than a third of the word away', () => {
    expect(closestMatches('eu-west-9', ['us-east-1', 'eu-west-1', 'eu-west-2', 'eu-central-1'])).toEqual(['eu-west-1', 'eu-west-2']);
    expect(closestMatches('ur', ['url', 'namespace'])).toEqual(['url']);
    expect(closestMatches('token', ['url', 'namespace'])).toEqual([]);
    expect(closestMatches('b', [{ name: 'a' }, { name: 'c' }], (item) => item.name)).toEqual([{ name: 'a' }, { name: 'c' }]);
  });

  test('lists read as prose', () => {
    expect(orList(['a'])).toBe('a');
    expect(orList(['a', 'b'])).toBe('a or b');
    expect(orList(['a', 'b', 'c'])).toBe('a, b or c');
  });
});
