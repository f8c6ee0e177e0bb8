/**
 * Reads the argument of a synthesized `${jsonencode(...)}` (what cdktf's `Fn.jsonencode` writes)
 * back into a JSON value, so inline policies can be checked like policy documents.
 *
 * Objects, tuples, quoted strings, numbers, booleans and null become their JSON counterparts; any
 * other expression (a reference, a function call) is kept as the string `${expression}`, which is
 * how a reference looks everywhere else in the synthesized stack. Returns undefined when the text
 * is not a single jsonencode call or cannot be read.
 */
export function readJsonencode(value: string): unknown {
  const match = /^\$\{jsonencode\(([\s\S]*)\)\}$/.exec(value.trim());
  if (!match) return undefined;
  try {
    const reader = new ExpressionReader(match[1]);
    const result = reader.value();
    reader.end();
    return result;
  } catch {
    return undefined;
  }
}

const CLOSERS: Record<string, string> = { '{': '}', '[': ']', '(': ')' };

class ExpressionReader {
  private index = 0;

  constructor(private readonly text: string) {}

  value(): unknown {
    this.skipSpace();
    const char = this.text[this.index];
    if (char === '{') return this.object();
    if (char === '[') return this.tuple();
    if (char === '"') return this.quoted();
    const literal = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)(?=[\s,\]})]|$)/.exec(this.text.slice(this.index));
    if (literal) {
      this.index += literal[0].length;
      return JSON.parse(literal[0]);
    }
    return `\${${this.opaque()}}`;
  }

  end(): void {
    this.skipSpace();
    if (this.index !== this.text.length) throw new Error(`unexpected text at ${this.index}`);
  }

  private object(): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    this.index++;
    for (;;) {
      this.skipSeparators();
      if (this.text[this.index] === '}') break;
      const key = this.text[this.index] === '"' ? this.quoted() : this.identifier();
      this.skipSpace();
      const assign = this.text[this.index];
      if (assign !== '=' && assign !== ':') throw new Error(`expected = after ${key}`);
      this.index++;
      result[key] = this.value();
    }
    this.index++;
    return result;
  }

  private tuple(): unknown[] {
    const result: unknown[] = [];
    this.index++;
    for (;;) {
      this.skipSeparators();
      if (this.text[this.index] === ']') break;
      result.push(this.value());
    }
    this.index++;
    return result;
  }

  /** A quoted template; interpolations are kept verbatim, `$${` is HCL's escape for a literal `${`. */
  private quoted(): string {
    let result = '';
    this.index++;
    while (this.index < this.text.length) {
      const char = this.text[this.index];
      if (char === '"') {
        this.index++;
        return result;
      }
      if (char === '\\') {
        const next = this.text[this.index + 1];
        const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\' };
        if (next === 'u') {
          result += String.fromCharCode(parseInt(this.text.slice(this.index + 2, this.index + 6), 16));
          this.index += 6;
        } else {
          result += escapes[next] ?? next;
          this.index += 2;
        }
        continue;
      }
      if (this.text.startsWith('$${', this.index)) {
        result += '${';
        this.index += 3;
        continue;
      }
      if (this.text.startsWith('${', this.index)) {
        const start = this.index;
        this.index += 2;
        this.skipBalanced('}');
        result += this.text.slice(start, this.index);
        continue;
      }
      result += char;
      this.index++;
    }
    throw new Error('unterminated string');
  }

  private identifier(): string {
    const match = /^[A-Za-z_][\w-]*/.exec(this.text.slice(this.index));
    if (!match) throw new Error(`expected a key at ${this.index}`);
    this.index += match[0].length;
    return match[0];
  }

  /** An expression that is not a literal: everything up to the next `,` `]` `}` at this level. */
  private opaque(): string {
    const start = this.index;
    while (this.index < this.text.length) {
      const char = this.text[this.index];
      if (char === ',' || char === ']' || char === '}' || char === ')' || char === '\n') break;
      if (char === '"') {
        this.quoted();
        continue;
      }
      this.index++;
      if (CLOSERS[char]) this.skipBalanced(CLOSERS[char]);
    }
    const expression = this.text.slice(start, this.index).trim();
    if (expression === '') throw new Error(`expected a value at ${start}`);
    return expression;
  }

  /** Moves past the `closer` that balances an opener just consumed, minding strings. */
  private skipBalanced(closer: string): void {
    while (this.index < this.text.length) {
      const char = this.text[this.index];
      if (char === '"') {
        this.quoted();
        continue;
      }
      this.index++;
      if (char === closer) return;
      if (CLOSERS[char]) this.skipBalanced(CLOSERS[char]);
    }
    throw new Error(`missing ${closer}`);
  }

  private skipSpace(): void {
    while (/\s/.test(this.text[this.index] ?? '')) this.index++;
  }

  private skipSeparators(): void {
    while (/[\s,]/.test(this.text[this.index] ?? '')) this.index++;
  }
}
