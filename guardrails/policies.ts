import { readJsonencode } from './hcl-expression';
import { Violation } from './rule';
import { blocks, StackElement, SynthesizedStack } from './synthesized-stack';
import { escapeRegExp, mapInterpolations } from './terraform-text';

/** A principal of a statement: `*`, or a type (`AWS`, `Service`, `Federated`, ...) and its identifiers. */
export interface Principal {
  readonly type: string;
  readonly identifiers: string[];
}

/** One condition of a statement, in the `aws_iam_policy_document` shape. */
export interface Condition {
  readonly test: string;
  readonly variable: string;
  readonly values: string[];
}

/** A policy statement, whether written as a policy document data source or as inline JSON. */
export interface Statement {
  readonly sid?: string;
  readonly effect: 'Allow' | 'Deny';
  readonly actions: string[];
  readonly notActions: string[];
  readonly resources: string[];
  readonly notResources: string[];
  readonly principals: Principal[];
  readonly notPrincipals: Principal[];
  readonly conditions: Condition[];
  /** The element the statement is written in (a policy document data source or the attachment). */
  readonly source: StackElement;
  /** How findings and suppressions name the statement: its sid, else `#<position>`. */
  readonly label: string;
}

/**
 * What a policy is to AWS: an identity policy grants its principal access to resources, a resource
 * policy grants principals access to its resource, a trust policy says who may assume a role.
 */
export type PolicyKind = 'identity' | 'resource' | 'trust';

/** A policy attached to something: where it lives, what it is, and its statements. */
export interface AttachedPolicy {
  readonly kind: PolicyKind;
  /** The resource that carries the policy (`aws_iam_role_policy`, `aws_s3_bucket_policy`, ...). */
  readonly attachment: StackElement;
  readonly attribute: string;
  readonly statements: Statement[];
  /** Why the statements could not be read (then `statements` is empty). */
  readonly unreadable?: string;
}

type PolicyValues = (config: Record<string, any>) => unknown[];

const attribute =
  (name: string): PolicyValues =>
  (config) => [config[name]];

/**
 * Where policies live, by resource type. Identity policies are what IAM principals may do; all
 * other policies are checked for who they grant access to.
 */
const POLICY_ATTRIBUTES: Record<string, Array<{ kind: PolicyKind; attribute: string; values: PolicyValues }>> = {
  aws_iam_role_policy: [{ kind: 'identity', attribute: 'policy', values: attribute('policy') }],
  aws_iam_user_policy: [{ kind: 'identity', attribute: 'policy', values: attribute('policy') }],
  aws_iam_group_policy: [{ kind: 'identity', attribute: 'policy', values: attribute('policy') }],
  aws_iam_policy: [{ kind: 'identity', attribute: 'policy', values: attribute('policy') }],
  aws_iam_role: [
    { kind: 'trust', attribute: 'assume_role_policy', values: attribute('assume_role_policy') },
    { kind: 'identity', attribute: 'inline_policy', values: (config) => blocks(config.inline_policy).map((block) => block.policy) },
  ],
  aws_s3_bucket_policy: [{ kind: 'resource', attribute: 'policy', values: attribute('policy') }],
  aws_kms_key: [{ kind: 'resource', attribute: 'policy', values: attribute('policy') }],
  aws_secretsmanager_secret: [{ kind: 'resource', attribute: 'policy', values: attribute('policy') }],
  aws_secretsmanager_secret_policy: [{ kind: 'resource', attribute: 'policy', values: attribute('policy') }],
  aws_sqs_queue: [{ kind: 'resource', attribute: 'policy', values: attribute('policy') }],
  aws_sqs_queue_policy: [{ kind: 'resource', attribute: 'policy', values: attribute('policy') }],
  aws_sns_topic: [{ kind: 'resource', attribute: 'policy', values: attribute('policy') }],
  aws_sns_topic_policy: [{ kind: 'resource', attribute: 'policy', values: attribute('policy') }],
  aws_ecr_repository_policy: [{ kind: 'resource', attribute: 'policy', values: attribute('policy') }],
  aws_cloudwatch_event_bus_policy: [{ kind: 'resource', attribute: 'policy', values: attribute('policy') }],
  aws_cloudwatch_log_resource_policy: [{ kind: 'resource', attribute: 'policy_document', values: attribute('policy_document') }],
};

const asList = (value: unknown): string[] => (value === undefined || value === null ? [] : Array.isArray(value) ? value.map(String) : [String(value)]);

function documentPrincipals(value: unknown): Principal[] {
  return blocks(value).map((block) => ({ type: String(block.type), identifiers: asList(block.identifiers) }));
}

/** Statements of an `aws_iam_policy_document`, including the documents it merges in. */
function documentStatements(stack: SynthesizedStack, document: StackElement, seen: Set<string>): Statement[] {
  if (seen.has(document.address)) return [];
  seen.add(document.address);
  const merged = [...asList(document.config.source_policy_documents), ...asList(document.config.override_policy_documents)].flatMap((reference) => {
    const source = referencedDocument(stack, reference);
    return source ? documentStatements(stack, source, seen) : [];
  });
  const own = blocks(document.config.statement).map((statement, index): Statement => ({
    sid: statement.sid,
    effect: statement.effect === 'Deny' ? 'Deny' : 'Allow',
    actions: asList(statement.actions),
    notActions: asList(statement.not_actions),
    resources: asList(statement.resources),
    notResources: asList(statement.not_resources),
    principals: documentPrincipals(statement.principals),
    notPrincipals: documentPrincipals(statement.not_principals),
    conditions: blocks(statement.condition).map((condition) => ({
      test: String(condition.test),
      variable: String(condition.variable),
      values: asList(condition.values),
    })),
    source: document,
    label: statement.sid ?? `#${index + 1}`,
  }));
  return [...merged, ...own];
}

/** The policy document data source a `${data.aws_iam_policy_document.x.json}` points at. */
function referencedDocument(stack: SynthesizedStack, value: string): StackElement | undefined {
  const match = /^\$\{(data\.aws_iam_policy_document\.[\w-]+)\.(json|minified_json)\}$/.exec(value.trim());
  return match ? stack.element(match[1]) : undefined;
}

function jsonPrincipals(value: unknown): Principal[] {
  if (value === undefined) return [];
  if (value === '*') return [{ type: '*', identifiers: ['*'] }];
  if (typeof value !== 'object' || value === null) return [{ type: 'unknown', identifiers: [String(value)] }];
  return Object.entries(value).map(([type, identifiers]) => ({ type, identifiers: asList(identifiers) }));
}

function jsonConditions(value: unknown): Condition[] {
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([test, variables]) =>
    typeof variables === 'object' && variables !== null
      ? Object.entries(variables).map(([variable, values]) => ({ test, variable, values: asList(values) }))
      : [],
  );
}

/** Statements of a policy written as JSON (a string, or jsonencode read back). */
function jsonStatements(policy: unknown, source: StackElement): Statement[] | undefined {
  if (typeof policy !== 'object' || policy === null) return undefined;
  const raw = (policy as Record<string, unknown>).Statement;
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return list.map((statement: any, index): Statement => ({
    sid: statement.Sid,
    effect: statement.Effect === 'Deny' ? 'Deny' : 'Allow',
    actions: asList(statement.Action),
    notActions: asList(statement.NotAction),
    resources: asList(statement.Resource),
    notResources: asList(statement.NotResource),
    principals: jsonPrincipals(statement.Principal),
    notPrincipals: jsonPrincipals(statement.NotPrincipal),
    conditions: jsonConditions(statement.Condition),
    source,
    label: statement.Sid ?? `#${index + 1}`,
  }));
}

/** Reads one policy value; returns the statements or why they cannot be read. */
function readPolicy(stack: SynthesizedStack, value: unknown, attachment: StackElement): { statements: Statement[] } | { unreadable: string } {
  if (typeof value !== 'string') return { unreadable: 'the policy is not a string' };
  const document = referencedDocument(stack, value);
  if (document) return { statements: documentStatements(stack, document, new Set()) };
  const trimmed = value.trim();
  let parsed: unknown;
  if (trimmed.startsWith('{')) {
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      parsed = undefined;
    }
  } else {
    parsed = readJsonencode(trimmed);
  }
  const statements = jsonStatements(parsed, attachment);
  if (statements) return { statements };
  const excerpt = trimmed.length > 80 ? `${trimmed.slice(0, 77)}...` : trimmed;
  return { unreadable: `the policy ${excerpt} is neither an aws_iam_policy_document of this stack, JSON, nor jsonencode({...})` };
}

const cache = new WeakMap<SynthesizedStack, AttachedPolicy[]>();

/** Every policy attached to something in the stack, with its statements (computed once per stack). */
export function attachedPolicies(stack: SynthesizedStack): AttachedPolicy[] {
  const cached = cache.get(stack);
  if (cached) return cached;
  const policies: AttachedPolicy[] = [];
  for (const element of stack.elements) {
    if (element.kind !== 'resource') continue;
    for (const place of POLICY_ATTRIBUTES[element.type] ?? []) {
      for (const value of place.values(element.config)) {
        if (value === undefined || value === null) continue;
        const read = readPolicy(stack, value, element);
        policies.push(
          'unreadable' in read
            ? { kind: place.kind, attachment: element, attribute: place.attribute, statements: [], unreadable: read.unreadable }
            : { kind: place.kind, attachment: element, attribute: place.attribute, statements: read.statements },
        );
      }
    }
  }
  cache.set(stack, policies);
  return policies;
}

/** Whether an IAM action pattern (`s3:Get*`, `*`) covers `action`; IAM matches case-insensitively. */
export function actionCovers(pattern: string, action: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .split('*')
      .map((part) => escapeRegExp(part))
      .join('.*')}$`,
    'i',
  );
  return regex.test(action);
}

/** Whether an Allow statement grants `action` (directly, by wildcard, or through NotAction). */
export function grants(statement: Statement, action: string): boolean {
  if (statement.effect !== 'Allow') return false;
  if (statement.notActions.length > 0) return !statement.notActions.some((pattern) => actionCovers(pattern, action));
  return statement.actions.some((pattern) => actionCovers(pattern, action));
}

/** `*`, `*:*`: every action of every service. */
export const isEveryAction = (action: string): boolean => /^\*(:\*)?$/.test(action.trim());

/**
 * Whether a resource means "every resource": `*`, or an ARN whose resource part is only a
 * wildcard (`arn:aws:s3:::*`, `arn:aws:sqs:*:*:*`). Interpolations count as named values.
 */
export function isEveryResource(resource: string): boolean {
  const literal = resource.trim();
  if (literal === '*') return true;
  const parts = literal.split(':');
  return parts.length >= 6 && parts[0] === 'arn' && parts.slice(5).join(':') === '*';
}

/** Whether a principal means anyone: `*` or an AWS principal `*`. */
export const isAnyone = (principal: Principal): boolean =>
  principal.type === '*' || (principal.type === 'AWS' && principal.identifiers.some((identifier) => identifier.trim() === '*'));

/**
 * Verbs of actions that only read or list (the Read and List access levels of the AWS Service
 * Authorization Reference, as far as a verb tells). Any other verb counts as a write: an unknown
 * action is never silently treated as harmless.
 */
const READ_VERBS = [
  'Get',
  'List',
  'Describe',
  'Head',
  'Search',
  'Lookup',
  'Query',
  'Scan',
  'Select',
  'BatchGet',
  'Validate',
  'View',
  'Preview',
  'Estimate',
  'Simulate',
];

/** Whether an action (or action pattern) can only read: its name starts with a read verb. */
export function isReadOnlyAction(action: string): boolean {
  const name = action.split(':')[1] ?? '';
  return READ_VERBS.some((verb) => name.startsWith(verb) && (name.length === verb.length || /[A-Z*]/.test(name[verb.length])));
}

/** Text of a value with interpolations removed, to look for literal wildcards. */
export const writtenWildcard = (value: string): boolean => /[*?]/.test(mapInterpolations(value, () => ''));

/**
 * One violation per statement of the policies of the given kinds for which `problemOf` finds a
 * problem; the finding points at where the statement is written and names the statement.
 */
export function statementViolations(
  stack: SynthesizedStack,
  kinds: PolicyKind[],
  problemOf: (statement: Statement, policy: AttachedPolicy) => string | undefined,
): Violation[] {
  return attachedPolicies(stack)
    .filter((policy) => kinds.includes(policy.kind))
    .flatMap((policy) =>
      policy.statements.flatMap((statement): Violation[] => {
        const problem = problemOf(statement, policy);
        return problem ? [{ element: statement.source, related: [policy.attachment], subject: statement.label, problem }] : [];
      }),
    );
}
