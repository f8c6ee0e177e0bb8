import { spawnSync } from '../../../harness/child-process';

/**
 * Just enough of GitLab CI's semantics to check a `.gitlab-ci.yml` offline: which keys are jobs,
 * `extends` merging, the variables a job reads and defines, and `rules:if` expressions.
 */

/** Top-level keys that are not jobs. */
const GLOBAL_KEYWORDS = new Set(['default', 'include', 'stages', 'variables', 'workflow', 'image', 'services', 'cache', 'before_script', 'after_script']);
/** GitLab's stage for a job that names none. */
export const DEFAULT_STAGE = 'test';

type Config = Record<string, any>;

/** Names of the jobs GitLab runs (hidden `.templates` excluded). */
export function jobNames(config: Config): string[] {
  return Object.keys(config).filter((key) => !GLOBAL_KEYWORDS.has(key) && !key.startsWith('.'));
}

const isHash = (value: unknown): value is Record<string, any> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** GitLab's `extends` merge: hashes merge key by key, anything else is replaced. */
function merge(base: Record<string, any>, override: Record<string, any>): Record<string, any> {
  const merged = { ...base };
  for (const [key, value] of Object.entries(override)) {
    merged[key] = isHash(value) && isHash(base[key]) ? merge(base[key], value) : value;
  }
  return merged;
}

/** A job with its `extends` chain merged in; throws when a template does not exist. */
export function resolveJob(config: Config, name: string, chain: string[] = []): Record<string, any> {
  const job = config[name];
  if (!isHash(job)) throw new Error(`${[...chain, name].join(' extends ')}: no such job or template`);
  if (chain.includes(name)) throw new Error(`extends cycle: ${[...chain, name].join(' -> ')}`);
  const { extends: parents = [], ...own } = job;
  const inherited = ([] as string[]).concat(parents).reduce((acc, parent) => merge(acc, resolveJob(config, parent, [...chain, name])), {});
  return merge(inherited, own);
}

/** `before_script`, `script` and `after_script` lines of a resolved job, in run order. */
export function scriptLines(job: Record<string, any>): string[] {
  return ['before_script', 'script', 'after_script'].flatMap((key) => [].concat(job[key] ?? []));
}

/** Every string inside a value. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (isHash(value)) return Object.values(value).flatMap(strings);
  return [];
}

/** Names of the variables `$VAR` / `${VAR}` the texts read (`$$` is a literal dollar). */
export function variablesReadIn(value: unknown): Set<string> {
  const names = new Set<string>();
  for (const text of strings(value)) {
    for (const match of text.matchAll(/\$\$|\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) if (match[1]) names.add(match[1]);
  }
  return names;
}

/** Variables a resolved job defines for itself: `variables`, `id_tokens`, and shell assignments in its scripts. */
export function variablesDefinedBy(job: Record<string, any>): Set<string> {
  const names = new Set([...Object.keys(job.variables ?? {}), ...Object.keys(job.id_tokens ?? {})]);
  for (const line of scriptLines(job)) {
    for (const match of line.matchAll(/(?:^|[\s;])(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=/gm)) names.add(match[1]);
  }
  return names;
}

/** The value of a `variables:` entry (GitLab allows `NAME: value` and `NAME: { value, description }`). */
export function variableValue(entry: unknown): string {
  return String(isHash(entry) ? entry.value : entry);
}

type Token = { kind: 'var' | 'str' | 'null' | 'op' | '(' | ')'; text: string };

function tokenize(expression: string): Token[] {
  const pattern = /\s*(?:(\$[A-Za-z_][A-Za-z0-9_]*)|"([^"]*)"|'([^']*)'|(null)\b|(==|!=|&&|\|\|)|(\()|(\)))/y;
  const tokens: Token[] = [];
  pattern.lastIndex = 0;
  while (pattern.lastIndex < expression.trimEnd().length) {
    const match = pattern.exec(expression);
    if (!match) throw new Error(`unsupported rules:if syntax at ${JSON.stringify(expression.slice(pattern.lastIndex))}`);
    if (match[1]) tokens.push({ kind: 'var', text: match[1].slice(1) });
    else if (match[2] !== undefined || match[3] !== undefined) tokens.push({ kind: 'str', text: match[2] ?? match[3] });
    else if (match[4]) tokens.push({ kind: 'null', text: 'null' });
    else if (match[5]) tokens.push({ kind: 'op', text: match[5] });
    else tokens.push({ kind: match[6] ? '(' : ')', text: match[6] ?? ')' });
  }
  return tokens;
}

/**
 * Evaluates a `rules:if` expression (variables, quoted strings, null, ==, !=, &&, ||, parentheses)
 * against the given variables; `&&` binds tighter than `||`, as in GitLab.
 */
export function evaluateRule(expression: string, variables: Record<string, string>): boolean {
  const tokens = tokenize(expression);
  let position = 0;
  const peek = () => tokens[position];
  const expect = (kind: Token['kind']) => {
    if (peek()?.kind !== kind) throw new Error(`expected ${kind} in ${expression}`);
    return tokens[position++];
  };
  const operand = (): string | null => {
    const token = tokens[position++];
    if (token?.kind === 'var') return variables[token.text] ?? null;
    if (token?.kind === 'str') return token.text;
    if (token?.kind === 'null') return null;
    throw new Error(`expected an operand in ${expression}`);
  };
  const primary = (): boolean => {
    if (peek()?.kind === '(') {
      position++;
      const value = or();
      expect(')');
      return value;
    }
    const left = operand();
    const next = peek();
    if (next?.kind === 'op' && (next.text === '==' || next.text === '!=')) {
      position++;
      const right = operand();
      return next.text === '==' ? left === right : left !== right;
    }
    return left !== null && left !== '';
  };
  const and = (): boolean => {
    let value = primary();
    while (peek()?.text === '&&') {
      position++;
      value = primary() && value;
    }
    return value;
  };
  const or = (): boolean => {
    let value = and();
    while (peek()?.text === '||') {
      position++;
      value = and() || value;
    }
    return value;
  };
  const result = or();
  if (position !== tokens.length) throw new Error(`unexpected ${tokens[position].text} in ${expression}`);
  return result;
}

/** Whether `workflow:rules` create a pipeline for these variables (the first matching rule decides). */
export function pipelineCreated(config: Config, variables: Record<string, string>): boolean {
  const rules: Array<{ if?: string; when?: string }> | undefined = config.workflow?.rules;
  if (!rules) return true;
  const match = rules.find((rule) => rule.if === undefined || evaluateRule(rule.if, variables));
  return match !== undefined && match.when !== 'never';
}

/** The words a POSIX shell makes of `command` with these variables set (expansion and quote removal). */
export function shellWords(command: string, variables: Record<string, string>): string[] {
  const result = spawnSync('sh', ['-c', `printf '%s\\0' ${command}`], { encoding: 'utf8', env: { PATH: process.env.PATH, ...variables } });
  if (result.status !== 0) throw new Error(`sh could not expand ${command}: ${result.stderr}`);
  return result.stdout.split('\0').slice(0, -1);
}
