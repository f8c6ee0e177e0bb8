/**
 * Small helpers for Terraform JSON and its template strings, shared by the guardrails (at synth)
 * and the offline tools.
 */

/** A JSON object (not an array, not null). */
export const isObject = (value: unknown): value is Record<string, any> => typeof value === 'object' && value !== null && !Array.isArray(value);

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Applies `map` to the expression inside every `${...}` of a Terraform template string, with
 * nested braces and quoted strings inside the expression taken into account; `$${` is a literal.
 */
export function mapInterpolations(text: string, map: (expression: string) => string): string {
  let result = '';
  let index = 0;
  while (index < text.length) {
    const start = text.indexOf('${', index);
    if (start < 0) break;
    if (start > 0 && text[start - 1] === '$') {
      result += text.slice(index, start + 2);
      index = start + 2;
      continue;
    }
    let depth = 1;
    let cursor = start + 2;
    let quoted = false;
    for (; cursor < text.length && depth > 0; cursor++) {
      const char = text[cursor];
      if (quoted) {
        if (char === '\\') cursor++;
        else if (char === '"') quoted = false;
      } else if (char === '"') quoted = true;
      else if (char === '{') depth++;
      else if (char === '}') depth--;
    }
    if (depth > 0) break;
    result += text.slice(index, start) + '${' + map(text.slice(start + 2, cursor - 1)) + '}';
    index = cursor;
  }
  return result + text.slice(index);
}
