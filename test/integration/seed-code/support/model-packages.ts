import { StubbedCall } from './seed';

/** Model package group of the sample project. */
export const GROUP = 'abalone-demo-p-abcdefghijkl';
/** ARN of version `version` of a model package group. */
export const packageArn = (version: number, group = GROUP, region = 'us-east-1') =>
  `arn:aws:sagemaker:${region}:123456789012:model-package/${group}/${version}`;

/** What SageMaker says of every approved package of GROUP, in a summary and a description alike. */
const packageSummary = (version: number) => ({
  ModelPackageName: GROUP,
  ModelPackageGroupName: GROUP,
  ModelPackageVersion: version,
  ModelPackageArn: packageArn(version),
  CreationTime: '2025-01-01T00:00:00Z',
  ModelPackageStatus: 'Completed',
  ModelApprovalStatus: 'Approved',
});

/** DescribeModelPackage's answer for a package of GROUP. */
export function describedPackage(version: number, overrides: Record<string, unknown> = {}): StubbedCall {
  return {
    method: 'describe_model_package',
    expected: { ModelPackageName: packageArn(version) },
    response: {
      ...packageSummary(version),
      ModelPackageStatusDetails: { ValidationStatuses: [] },
      InferenceSpecification: {
        Containers: [{ Image: '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1' }],
        SupportedContentTypes: ['text/csv'],
        SupportedResponseMIMETypes: ['text/csv'],
        SupportedRealtimeInferenceInstanceTypes: ['ml.t2.medium', 'ml.m5.large', 'ml.m5.xlarge'],
      },
      ...overrides,
    },
  };
}

/** ListModelPackages' answer: the latest approved packages of GROUP. */
export function latestApproved(versions: number[]): StubbedCall {
  return {
    method: 'list_model_packages',
    expected: { ModelPackageGroupName: GROUP, ModelApprovalStatus: 'Approved', SortBy: 'CreationTime', SortOrder: 'Descending', MaxResults: 1 },
    response: {
      ModelPackageSummaryList: versions.map(packageSummary),
    },
  };
}
