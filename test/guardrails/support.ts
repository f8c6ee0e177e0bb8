import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformStack, Testing } from 'cdktf';
import { evaluate } from '../../guardrails/evaluate';
import { Rule } from '../../guardrails/rule';
import { SynthesizedStack } from '../../guardrails/synthesized-stack';

/** Name of the stack every guardrail test builds in; construct paths start with it. */
export const STACK = 'test';

/** Builds constructs in a fresh stack with an aws provider and returns its synthesized form. */
export function synthesized(build: (stack: TerraformStack) => void): SynthesizedStack {
  const stack = new TerraformStack(Testing.app(), STACK);
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  build(stack);
  return new SynthesizedStack(STACK, stack.toTerraform());
}

/** What one rule finds in the constructs `build` makes: path, subject and problem of each finding. */
export function findings(rule: Rule, build: (stack: TerraformStack) => void): Array<{ path: string; subject?: string; problem: string }> {
  return evaluate(synthesized(build), [rule]).findings.map(({ path, subject, problem }) => (subject ? { path, subject, problem } : { path, problem }));
}

/** `[name, rule]` pairs, so `test.each` titles name the rule. */
export const named = (rules: Rule[]): Array<[string, Rule]> => rules.map((rule) => [`${rule.id} ${rule.name}`, rule]);
