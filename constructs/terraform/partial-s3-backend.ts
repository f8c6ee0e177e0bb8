import { TerraformBackend, TerraformRemoteState } from 'cdktf';
import { Construct } from 'constructs';

/**
 * An S3 backend whose settings all arrive at `terraform init` through `-backend-config` (bucket,
 * key, region, lock table, encryption). cdktf's S3Backend requires bucket and key at synth time,
 * but this stack is synthesized once and applied for many SageMaker projects, each under a state
 * key of its own, so they cannot be known here.
 */
export class PartialS3Backend extends TerraformBackend {
  constructor(scope: Construct) {
    super(scope, 'backend', 's3');
  }

  protected synthesizeAttributes(): Record<string, unknown> {
    return {};
  }

  protected synthesizeHclAttributes(): Record<string, unknown> {
    return {};
  }

  getRemoteStateDataSource(_scope: Construct, _name: string, _fromStack: string): TerraformRemoteState {
    throw new Error('PartialS3Backend has no fixed location to read remote state from; pass the values explicitly.');
  }
}
