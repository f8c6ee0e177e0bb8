import { MODEL_PACKAGE_STATE_CHANGE } from '../../contract/function-settings';

/** The fields of an EventBridge "SageMaker Model Package State Change" event that matter here. */
export interface ModelPackageStateChange {
  readonly id?: string;
  /** The account and region the event comes from (EventBridge sets both). */
  readonly account?: string;
  readonly region?: string;
  readonly source?: string;
  readonly 'detail-type'?: string;
  readonly detail?: {
    readonly ModelPackageGroupName?: string;
    readonly ModelPackageArn?: string;
    readonly ModelApprovalStatus?: string;
  };
}

/** A version of a model package group: `arn:<partition>:sagemaker:<region>:<account>:model-package/<group>/<version>`. */
const MODEL_PACKAGE_ARN = /^arn:aws[a-z-]*:sagemaker:([a-z0-9-]+):(\d{12}):model-package\/([^/\s]+)\/\d+$/;

export type DeployDecision =
  | { readonly action: 'start-deploy-pipeline'; readonly modelPackageArn: string }
  | { readonly action: 'ignore'; readonly reason: string }
  /** An approval that cannot be acted on: it must reach the failure queue, not vanish. */
  | { readonly action: 'reject'; readonly reason: string };

/**
 * Starts a deploy only for an approved model package of this project's group. The EventBridge rule
 * filters the same way; checking again keeps a misrouted or replayed event from deploying anything.
 * An approval of this group without a usable ARN is rejected: ignoring it would lose an approval.
 */
export function decideDeployment(event: ModelPackageStateChange, modelPackageGroupName: string): DeployDecision {
  if (event.source !== 'aws.sagemaker' || event['detail-type'] !== MODEL_PACKAGE_STATE_CHANGE) {
    return { action: 'ignore', reason: `not a ${MODEL_PACKAGE_STATE_CHANGE} event (${event.source ?? '?'} / ${event['detail-type'] ?? '?'})` };
  }
  const detail = event.detail ?? {};
  if (detail.ModelPackageGroupName !== modelPackageGroupName) {
    return { action: 'ignore', reason: `model package group ${detail.ModelPackageGroupName ?? '?'} is not this project's (${modelPackageGroupName})` };
  }
  if (detail.ModelApprovalStatus !== 'Approved') {
    return { action: 'ignore', reason: `approval status is ${detail.ModelApprovalStatus ?? '?'}, not Approved` };
  }
  const arn = checkedArn(event, modelPackageGroupName);
  if ('problem' in arn) {
    return {
      action: 'reject',
      reason:
        `an Approved event of ${modelPackageGroupName} carries ${arn.problem}; ` +
        'nothing was deployed. Deploy the approved version with "Run pipeline" on the deploy project (MODEL_PACKAGE_ARN), or replay a corrected event',
    };
  }
  return { action: 'start-deploy-pipeline', modelPackageArn: arn.arn };
}

/**
 * The event's ModelPackageArn when it is a version of this group in the event's account and region,
 * or why not. The group name is checked apart from the ARN, so a forged event could pair this group
 * with another group's package. SageMaker writes the group lowercased in ARNs.
 */
function checkedArn(event: ModelPackageStateChange, modelPackageGroupName: string): { arn: string } | { problem: string } {
  const arn = event.detail?.ModelPackageArn;
  const parts = arn ? MODEL_PACKAGE_ARN.exec(arn) : null;
  if (!arn || !parts) return { problem: `no valid model package ARN (${JSON.stringify(arn ?? null)})` };
  const [, region, account, group] = parts;
  if (group.toLowerCase() !== modelPackageGroupName.toLowerCase()) return { problem: `a ModelPackageArn of another model package group (${arn})` };
  if (event.account !== undefined && account !== event.account)
    return { problem: `a ModelPackageArn of account ${account}, not the event's ${event.account} (${arn})` };
  if (event.region !== undefined && region !== event.region)
    return { problem: `a ModelPackageArn of region ${region}, not the event's ${event.region} (${arn})` };
  return { arn };
}
