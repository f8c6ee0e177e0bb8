import { IAspect, TerraformDataSource, TerraformOutput, TerraformResource } from 'cdktf';
import { IConstruct } from 'constructs';
import { SuppressionRecord } from './synthesized-stack';

const METADATA_TYPE = 'guardrails:suppression';

/** A reason shorter than this cannot say why a finding is acceptable. */
const MIN_REASON_LENGTH = 20;

export interface SuppressOptions {
  /** Limit the suppression to these subjects (policy statement sids, or `#<position>`). @default every finding of the rule */
  readonly appliesTo?: string[];
}

/** What is wrong with a suppression, or undefined when it is acceptable. */
export function suppressionProblem(record: Partial<SuppressionRecord>, knownRuleIds?: ReadonlySet<string>): string | undefined {
  if (typeof record.rule !== 'string' || record.rule === '') return 'it names no rule';
  if (knownRuleIds && !knownRuleIds.has(record.rule)) return `it names ${record.rule}, which is not a rule of the applied pack`;
  if (typeof record.reason !== 'string' || record.reason.trim().length < MIN_REASON_LENGTH) {
    return `its reason must say why the finding is acceptable here (at least ${MIN_REASON_LENGTH} characters)`;
  }
  if (record.appliesTo !== undefined && (!Array.isArray(record.appliesTo) || record.appliesTo.length === 0)) {
    return 'appliesTo must list at least one subject, or be left out';
  }
  return undefined;
}

/**
 * Accepts the findings of rule `ruleId` on `scope` and every resource, data source and output
 * under it, for `reason`. The suppression lands in the synthesized JSON beside each element's
 * construct path, so reviewers see it in the code and in `cdktf.out`.
 */
export function suppress(scope: IConstruct, ruleId: string, reason: string, options: SuppressOptions = {}): void {
  const record: SuppressionRecord = { rule: ruleId, reason: reason.trim(), ...(options.appliesTo ? { appliesTo: options.appliesTo } : {}) };
  const problem = suppressionProblem(record);
  if (problem) throw new Error(`Suppression of ${ruleId} at ${scope.node.path} is rejected: ${problem}.`);
  scope.node.addMetadata(METADATA_TYPE, record);
}

const checkedElement = (node: IConstruct): node is TerraformResource | TerraformDataSource | TerraformOutput =>
  TerraformResource.isTerraformResource(node) || node instanceof TerraformDataSource || node instanceof TerraformOutput;

/**
 * Writes every element's suppressions (its own and those of the constructs above it) into its
 * synthesized `//.guardrails.suppressions`, where the rule pack reads them.
 */
export class SuppressionsToMetadata implements IAspect {
  visit(node: IConstruct): void {
    if (!checkedElement(node)) return;
    const records = node.node.scopes.flatMap((scope) =>
      scope.node.metadata.filter((entry) => entry.type === METADATA_TYPE).map((entry) => entry.data as SuppressionRecord),
    );
    if (records.length > 0) node.addOverride('//.guardrails.suppressions', records);
  }
}
