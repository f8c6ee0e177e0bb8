import { Finding, RulePack, SuppressedFinding, Violation } from './rule';
import { suppressionProblem } from './suppressions';
import { StackElement, SuppressionRecord, SynthesizedStack } from './synthesized-stack';

/** Rule id of findings about suppressions themselves (no reason, unknown rule). */
export const SUPPRESSION_RULE_ID = 'SMP_SUPPRESSION_VALID';

export interface Evaluation {
  /** Violations no suppression accepts: each fails synth. */
  readonly findings: Finding[];
  /** Violations accepted by a suppression, with its reason. */
  readonly suppressed: SuppressedFinding[];
}

function matchingSuppression(ruleId: string, violation: Violation, valid: (record: SuppressionRecord) => boolean): SuppressionRecord | undefined {
  const elements: StackElement[] = [violation.element, ...(violation.related ?? [])];
  return elements
    .flatMap((element) => element.suppressions)
    .find(
      (record) =>
        record.rule === ruleId &&
        valid(record) &&
        (record.appliesTo === undefined || (violation.subject !== undefined && record.appliesTo.includes(violation.subject))),
    );
}

/** Applies a rule pack to one synthesized stack. Pure: the same stack always gives the same result. */
export function evaluate(stack: SynthesizedStack, pack: RulePack): Evaluation {
  const knownRuleIds = new Set(pack.map((rule) => rule.id));
  const findings: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  // What is wrong with each suppression of the stack (undefined: nothing), worked out once.
  const problems = new Map(stack.elements.flatMap((element) => element.suppressions).map((record) => [record, suppressionProblem(record, knownRuleIds)]));
  const problemOf = (record: SuppressionRecord) => (problems.has(record) ? problems.get(record) : suppressionProblem(record, knownRuleIds));
  const valid = (record: SuppressionRecord) => problemOf(record) === undefined;

  for (const rule of pack) {
    for (const violation of rule.check(stack)) {
      const finding: Finding = {
        ruleId: rule.id,
        ruleName: rule.name,
        stack: stack.name,
        path: violation.element.path,
        address: violation.element.address,
        subject: violation.subject,
        problem: violation.problem,
        fix: violation.fix ?? rule.fix,
      };
      const suppression = matchingSuppression(rule.id, violation, valid);
      if (suppression) suppressed.push({ ...finding, reason: suppression.reason });
      else findings.push(finding);
    }
  }

  // A suppression on a construct is copied to every element under it: report each bad one once.
  const reported = new Set<string>();
  for (const element of stack.elements) {
    for (const record of element.suppressions) {
      const problem = problemOf(record);
      const key = JSON.stringify(record);
      if (!problem || reported.has(key)) continue;
      reported.add(key);
      findings.push({
        ruleId: SUPPRESSION_RULE_ID,
        ruleName: 'SuppressionsNameARuleAndAReason',
        stack: stack.name,
        path: element.path,
        address: element.address,
        problem: `a suppression of ${JSON.stringify(record.rule)} is not accepted: ${problem}.`,
        fix: 'Give the suppression a rule id of the pack and a reason a reviewer can judge, or remove it.',
      });
    }
  }
  return { findings, suppressed };
}
