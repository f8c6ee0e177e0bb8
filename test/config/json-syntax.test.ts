import { describeJsonSyntaxError, findJsonSyntaxError } from '../../config/json-syntax';

describe('JSON syntax errors', () => {
  test.each([['{}'], ['  {"a": [1, -2.5e3, 0, true, false, null, "x\\"y\\u00e9\\n"], "b": {"c": {}}, "d": []}\n'], ['[]'], ['"text"']])(
    'valid JSON has none: %s',
    (text) => {
      expect(JSON.parse(text)).toBeDefined();
      expect(findJsonSyntaxError(text)).toBeUndefined();
    },
  );

  test.each([
    ['{"a": 1,}', 8, 'expected another field after "," (JSON allows no trailing comma), found "}"'],
    ['[1, 2,]', 6, 'expected another list item after "," (JSON allows no trailing comma), found "]"'],
    ["{'a': 1}", 1, 'expected a field name in double quotes, found "\'"'],
    ['{"a" 1}', 5, 'expected ":" after the field name, found "1"'],
    ['{"a": 1 "b": 2}', 8, 'expected "," or "}" after field, found "\\""'],
    ['{"a": 1} // note', 9, 'expected the end of the file after the JSON value, found "/" (JSON has no comments)'],
    ['{"a": tru}', 6, 'expected a value (a "string", a number, true, false, null, an {object} or a [list]), found "t"'],
    ['{"a": "x', 8, 'expected the closing " of a string, found the end of the file'],
    ['{"a": "x\ty"}', 8, 'expected a character of a string (a line break or tab inside a string must be written \\n or \\t), found "\\t"'],
    ['{"a": "\\x"}', 8, 'expected an escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\u and 4 hex digits) after \\, found "x"'],
    ['{"a": [1, 2}', 11, 'expected "," or "]" after list item, found "}"'],
    ['', 0, 'expected a value (a "string", a number, true, false, null, an {object} or a [list]), found the end of the file'],
  ])('%s: at offset %d, %s', (text, offset, reason) => {
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
    expect(findJsonSyntaxError(text)).toEqual({ offset, reason });
  });

  test('the message gives line and column, the line, and a caret under the column (tabs kept)', () => {
    const text = '{\n\t"gitlab": {\n\t\t"url": "https://gitlab.acme.io",\r\n\t},\n}';
    const error = findJsonSyntaxError(text)!;
    expect(describeJsonSyntaxError('/work/project.config.json', text, error)).toBe(
      ['/work/project.config.json:4:2: invalid JSON: expected another field after "," (JSON allows no trailing comma), found "}"', '4 | \t},', '  | \t^'].join(
        '\n',
      ),
    );
  });
});
