/**
 * Where a JSON text breaks the grammar of RFC 8259, and why, for a message with line and column.
 * JSON.parse gives neither reliably: depending on the error and the Node version it names a
 * character position, a line and column, or nothing.
 */
export interface JsonSyntaxError {
  /** Offset of the offending character in the text (its length for a text that ends too early). */
  readonly offset: number;
  readonly reason: string;
}

class SyntaxAt extends Error {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);
const NUMBER = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;

/** The first syntax error of `text`, or undefined when it is valid JSON. */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  let at = 0;
  const found = () => (at >= text.length ? 'found the end of the file' : `found ${JSON.stringify(text[at])}`);
  const fail = (expected: string): never => {
    const hint = text[at] === '/' ? ' (JSON has no comments)' : '';
    throw new SyntaxAt(at, `${expected}, ${found()}${hint}`);
  };
  const skipWhitespace = () => {
    while (WHITESPACE.has(text[at])) at++;
  };

  const string = () => {
    at++; // opening quote
    for (;;) {
      if (at >= text.length) fail('expected the closing " of a string');
      const char = text[at];
      if (char === '"') break;
      if (char < ' ') fail('expected a character of a string (a line break or tab inside a string must be written \\n or \\t)');
      if (char === '\\') {
        const escape = text[at + 1];
        if (escape === 'u' ? !/^[0-9a-fA-F]{4}$/.test(text.slice(at + 2, at + 6)) : !ESCAPES.has(escape)) {
          at++;
          fail('expected an escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\u and 4 hex digits) after \\');
        }
        at += escape === 'u' ? 6 : 2;
      } else {
        at++;
      }
    }
    at++; // closing quote
  };

  const members = (close: string, member: () => void, what: string) => {
    at++; // opening bracket
    skipWhitespace();
    if (text[at] === close) {
      at++;
      return;
    }
    for (;;) {
      member();
      skipWhitespace();
      if (text[at] === close) break;
      if (text[at] !== ',') fail(`expected "," or "${close}" after ${what}`);
      at++;
      skipWhitespace();
      if (text[at] === close) fail(`expected another ${what} after "," (JSON allows no trailing comma)`);
    }
    at++;
  };

  const value = (): void => {
    skipWhitespace();
    const char = text[at];
    if (char === '{') {
      members('}', field, 'field');
    } else if (char === '[') {
      members(']', value, 'list item');
    } else if (char === '"') {
      string();
    } else {
      const literal = ['true', 'false', 'null'].find((word) => text.startsWith(word, at));
      NUMBER.lastIndex = at;
      if (literal) at += literal.length;
      else if (NUMBER.test(text)) at = NUMBER.lastIndex;
      else fail('expected a value (a "string", a number, true, false, null, an {object} or a [list])');
    }
  };

  const field = () => {
    skipWhitespace();
    if (text[at] !== '"') fail('expected a field name in double quotes');
    string();
    skipWhitespace();
    if (text[at] !== ':') fail('expected ":" after the field name');
    at++;
    value();
  };

  try {
    value();
    skipWhitespace();
    if (at < text.length) fail('expected the end of the file after the JSON value');
    return undefined;
  } catch (error) {
    if (error instanceof SyntaxAt) return { offset: error.offset, reason: error.reason };
    throw error;
  }
}

/**
 * `file:line:column: invalid JSON: reason`, then the offending line with a caret under the column
 * (tabs kept, so the caret lines up in a terminal).
 */
export function describeJsonSyntaxError(file: string, text: string, error: JsonSyntaxError): string {
  const before = text.slice(0, error.offset);
  const line = before.split('\n').length;
  const lineStart = before.lastIndexOf('\n') + 1;
  const column = error.offset - lineStart + 1;
  const lineEnd = text.indexOf('\n', lineStart);
  const source = text.slice(lineStart, lineEnd === -1 ? text.length : lineEnd).replace(/\r$/, '');
  const gutter = ' '.repeat(String(line).length);
  const caretIndent = source.slice(0, column - 1).replace(/[^\t]/g, ' ');
  return [`${file}:${line}:${column}: invalid JSON: ${error.reason}`, `${line} | ${source}`, `${gutter} | ${caretIndent}^`].join('\n');
}
