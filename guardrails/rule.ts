import { StackElement, SynthesizedStack } from './synthesized-stack';

/** Something a rule found wrong with one element. */
export interface Violation {
  /** The element to fix (its construct path names the finding). */
  readonly element: StackElement;
  /** What is wrong, in a sentence. */
  readonly problem: string;
  /** What in the element is wrong, when a suppression may be limited to it (a statement's sid or `#n`). */
  readonly subject?: string;
  /** Other elements whose suppressions also count (e.g. the role a policy document is attached to). */
  readonly related?: StackElement[];
  /** A fix specific to this violation. @default the rule's fix */
  readonly fix?: string;
}

/**
 * One guardrail: a pure check over a whole synthesized stack. It sees every element, because with
 * aws provider v5 what makes a resource compliant often lives in other resources.
 */
export interface Rule {
  /** The checkov id where checkov has the same check (CKV_AWS_21), else an `SMP_` id. */
  readonly id: string;
  /** What the rule demands, as a name (the rule's file name in PascalCase). */
  readonly name: string;
  /** Checkov ids covering the same ground (data source and resource variants), for mapping. */
  readonly checkov: string[];
  /** How to fix a violation, in general. */
  readonly fix: string;
  /** Violations in the stack; none when compliant or not applicable. */
  check(stack: SynthesizedStack): Violation[];
}

/** Rules applied together. */
export type RulePack = readonly Rule[];

/** A violation that no suppression covers, ready to print. */
export interface Finding {
  readonly ruleId: string;
  readonly ruleName: string;
  readonly stack: string;
  /** Construct path of the element to fix. */
  readonly path: string;
  /** Terraform address of the element to fix. */
  readonly address: string;
  readonly subject?: string;
  readonly problem: string;
  readonly fix: string;
}

/** A violation a suppression accepted, with the suppression's reason. */
export interface SuppressedFinding extends Finding {
  readonly reason: string;
}

/** `CKV_AWS_21 S3BucketVersioningEnabled at <path> (<address>): <problem> Fix: <fix>` */
export function formatFinding(finding: Finding): string {
  const subject = finding.subject ? ` statement ${finding.subject}` : '';
  return `${finding.ruleId} ${finding.ruleName} at ${finding.path} (${finding.address})${subject}: ${finding.problem} Fix: ${finding.fix}`;
}
