import { runSimulation } from '@cloud-copilot/iam-simulate';

/** An IAM policy document as AWS reads it. */
export interface PolicyDocument {
  readonly Version: string;
  readonly Statement: any[];
}

/** A principal of the simulated account: its identity policies and permissions boundary. */
export interface SimulatedPrincipal {
  readonly arn: string;
  readonly policies: PolicyDocument[];
  readonly boundary?: PolicyDocument;
}

/** One request: what, on which resource, with which context (besides aws:PrincipalArn, set from the principal). */
export interface SimulatedRequest {
  readonly action: string;
  readonly resource: string;
  readonly context?: Record<string, string | string[]>;
  /** The policy of the resource, when it has one (bucket, secret). */
  readonly resourcePolicy?: PolicyDocument;
}

/**
 * What AWS would decide, as the IAM policy simulator @cloud-copilot/iam-simulate (AGPL-3.0, used by the
 * tests only, never shipped) evaluates it: identity policies, the permissions boundary and the
 * resource policy, same-account. Throws when the simulator rejects the request or a policy as invalid.
 */
export async function decide(
  account: string,
  principal: SimulatedPrincipal,
  request: SimulatedRequest,
): Promise<'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied'> {
  const response = await runSimulation(
    {
      request: {
        principal: principal.arn,
        action: request.action,
        resource: { resource: request.resource, accountId: account },
        contextVariables: { 'aws:PrincipalArn': principal.arn, 'aws:PrincipalAccount': account, 'aws:SecureTransport': 'true', ...request.context },
      },
      identityPolicies: principal.policies.map((policy, index) => ({ name: `policy-${index}`, policy })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: request.resourcePolicy,
      permissionBoundaryPolicies: principal.boundary ? [{ name: 'boundary', policy: principal.boundary }] : undefined,
    },
    {},
  );
  if (response.resultType === 'error') throw new Error(`the simulator rejected ${request.action} on ${request.resource}: ${JSON.stringify(response.errors)}`);
  return response.overallResult as 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';
}

/**
 * The statements of `aws_iam_policy_document` data sources as IAM JSON, with the references of a
 * synthesized stack replaced by concrete values (`substitutions`: reference pattern -> value). Fails
 * when a reference is left: the policy would not be the one AWS sees.
 */
export function concretePolicy(statements: any[], substitutions: Array<[RegExp, string]>): PolicyDocument {
  let text = JSON.stringify(statements);
  for (const [pattern, value] of substitutions) text = text.replace(pattern, value);
  if (text.includes('${')) throw new Error(`unresolved reference in a policy: ${/\$\{[^}]*\}/.exec(text)?.[0]}`);
  return {
    Version: '2012-10-17',
    Statement: JSON.parse(text)
      .map((statement: any) => ({
        ...(statement.sid ? { Sid: statement.sid } : {}),
        Effect: statement.effect ?? 'Allow',
        ...(statement.principals
          ? { Principal: Object.fromEntries(statement.principals.map((principal: any) => [principal.type, principal.identifiers])) }
          : {}),
        Action: statement.actions,
        Resource: statement.resources,
        ...(statement.condition
          ? {
              Condition: statement.condition.reduce(
                (all: any, condition: any) => ({ ...all, [condition.test]: { ...all[condition.test], [condition.variable]: condition.values } }),
                {},
              ),
            }
          : {}),
      }))
      .map((statement: any) => (statement.Principal?.['*'] ? { ...statement, Principal: '*' } : statement)),
  };
}
