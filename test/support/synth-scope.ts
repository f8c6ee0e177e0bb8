import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformDataSource, TerraformElement, TerraformResource, Testing } from 'cdktf';
// Types of the matchers Testing.setupJest() installs (test/setup.ts); they compare snake_case keys.
import type {} from 'cdktf/lib/testing/adapters/jest';
import { Construct } from 'constructs';
import { serviceTrust } from '../../constructs/iam/policy';
import { Role, User } from '../../constructs/iam/role';
import { resources, statementsOf, Synthesized } from './synth';

/** `all` is synth.ts's `resources`: every configuration of a type, by logical id. */
export { resources as all, statementsOf };
export type { Synthesized };

/** What `synthScope` gives a construct test. */
export interface ScopeSynth<T> {
  /** The stack's JSON as `Testing.synthScope` returns it: what cdktf's matchers take. */
  readonly json: string;
  /** The same JSON, parsed. */
  readonly tf: Synthesized;
  /** What `build` returned: the constructs under test. */
  readonly built: T;
}

/**
 * Synthesizes the constructs `build` adds to an otherwise empty stack that holds only an aws provider,
 * with `Testing.synthScope`: no app, no guardrails, no files, no child process.
 */
export function synthScope<T>(build: (scope: Construct) => T): ScopeSynth<T> {
  let built: T | undefined;
  const json = Testing.synthScope((scope) => {
    new AwsProvider(scope, 'aws', { region: 'us-east-1' });
    built = build(scope);
  });
  return { json, tf: JSON.parse(json), built: built as T };
}

type Element = TerraformResource | TerraformDataSource;

/** `[data.]<type>.<logical id>` of a resource or data source. */
export function addressOf(element: Element): string {
  return `${element instanceof TerraformDataSource ? 'data.' : ''}${element.terraformResourceType}.${element.friendlyUniqueId}`;
}

/** `${<address>.<attribute>}`: how the synthesized JSON refers to an attribute of `element`. */
export function ref(element: Element, attribute: string): string {
  return `\${${addressOf(element)}.${attribute}}`;
}

/** The synthesized configuration of `element`; fails when the stack does not hold it. */
export function configOf(tf: Synthesized, element: Element): any {
  const kind = element instanceof TerraformDataSource ? 'data' : 'resource';
  const config = tf[kind]?.[element.terraformResourceType]?.[element.friendlyUniqueId];
  if (!config) throw new Error(`the stack holds no ${addressOf(element)}`);
  return config;
}

/** The child of `scope` with construct id `id`, as the resource or data source it is. */
export function child<T extends TerraformElement>(scope: Construct, id: string): T {
  return scope.node.findChild(id) as T;
}

/**
 * The references the stack's AwsContext resolves to: what an ARN a construct builds holds in place
 * of the partition, region and account.
 */
export function awsRefs(tf: Synthesized): { partition: string; region: string; account: string } {
  const id = (type: string) => {
    const ids = Object.keys(resources(tf, type, 'data')).filter((name) => name.startsWith('aws-context_'));
    if (ids.length !== 1) throw new Error(`expected one AwsContext data source ${type}, found ${ids.length}`);
    return ids[0];
  };
  return {
    partition: `\${data.aws_partition.${id('aws_partition')}.partition}`,
    region: `\${data.aws_region.${id('aws_region')}.name}`,
    account: `\${data.aws_caller_identity.${id('aws_caller_identity')}.account_id}`,
  };
}

/** A role to grant to in a construct test: what a grant adds shows as its inline policies. */
export function granteeRole(scope: Construct, roleName = 'grantee'): Role {
  return new Role(scope, roleName, { roleName, description: 'grantee of a construct test', trust: [serviceTrust('lambda.amazonaws.com')] });
}

/** Names of the inline policies attached to a role or user, in synthesis order. */
export function inlinePolicyNames(tf: Synthesized, identity: Role | User): string[] {
  return identityPolicies(tf, identity).map((policy) => policy.name);
}

/** Statements of the inline policy `name` of a role or user; fails when it has none of that name. */
export function inlinePolicy(tf: Synthesized, identity: Role | User, name: string): any[] {
  const policy = identityPolicies(tf, identity).find((candidate) => candidate.name === name);
  if (!policy) throw new Error(`${identity.node.path} has no inline policy ${name} (it has: ${inlinePolicyNames(tf, identity).join(', ') || 'none'})`);
  return statementsOf(tf, policy.policy);
}

function identityPolicies(tf: Synthesized, identity: Role | User): any[] {
  const [type, key] = identity instanceof Role ? ['aws_iam_role_policy', 'role'] : ['aws_iam_user_policy', 'user'];
  const name = ref(identity.resource, 'name');
  return Object.values(resources(tf, type)).filter((policy: any) => policy[key] === name);
}

/** The statement with `sid`; fails when there is none. */
export function bySid(statements: any[], sid: string): any {
  const statement = statements.find((candidate) => candidate.sid === sid);
  if (!statement) throw new Error(`no statement ${sid} among ${statements.map((candidate) => candidate.sid).join(', ')}`);
  return statement;
}
