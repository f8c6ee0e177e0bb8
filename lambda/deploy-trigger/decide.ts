/** The fields of an EventBridge "SageMaker Model Package State Change" event that matter here. */
export interface ModelPackageStateChange {
  readonly id?: string;
  readonly source?: string;
  readonly 'detail-type'?: string;
  readonly detail?: {
    readonly ModelPackageGroupName?: string;
    readonly ModelPackageArn?: string;
    readonly ModelApprovalStatus?: string;
  };
}

export const MODEL_PACKAGE_STATE_CHANGE = 'SageMaker Model Package State Change';

const MODEL_PACKAGE_ARN = /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:model-package\/\S+$/;

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
  if (!detail.ModelPackageArn || !MODEL_PACKAGE_ARN.test(detail.ModelPackageArn)) {
    return {
      action: 'reject',
      reason:
        `an Approved event of ${modelPackageGroupName} carries no valid model package ARN (${JSON.stringify(detail.ModelPackageArn ?? null)}); ` +
        'nothing was deployed. Deploy the approved version with "Run pipeline" on the deploy project (MODEL_PACKAGE_ARN), or replay a corrected event',
    };
  }
  return { action: 'start-deploy-pipeline', modelPackageArn: detail.ModelPackageArn };
}
