/** The fields of an EventBridge "SageMaker Model Package State Change" event that matter here. */
export interface ModelPackageStateChange {
  readonly source?: string;
  readonly 'detail-type'?: string;
  readonly detail?: {
    readonly ModelPackageGroupName?: string;
    readonly ModelPackageArn?: string;
    readonly ModelApprovalStatus?: string;
  };
}

export const MODEL_PACKAGE_STATE_CHANGE = 'SageMaker Model Package State Change';

export type DeployDecision =
  | { readonly action: 'start-deploy-pipeline'; readonly modelPackageArn: string }
  | { readonly action: 'ignore'; readonly reason: string };

/**
 * Starts a deploy only for an approved model package of this project's group. The EventBridge rule
 * filters the same way; checking again keeps a misrouted or replayed event from deploying anything.
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
  if (!detail.ModelPackageArn || !/^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:model-package\/\S+$/.test(detail.ModelPackageArn)) {
    return { action: 'ignore', reason: `the event carries no model package ARN (${detail.ModelPackageArn ?? 'none'})` };
  }
  return { action: 'start-deploy-pipeline', modelPackageArn: detail.ModelPackageArn };
}
