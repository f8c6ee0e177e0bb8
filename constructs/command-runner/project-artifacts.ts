import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { AssetType, ITerraformDependable, TerraformAsset } from 'cdktf';
import { Construct } from 'constructs';
import { runnerScriptKey, terraformCodeKey } from '../../contract/runner';
import { VerifiedArtifact } from './project-template';

/** The runner script in this repository (absolute: cdktf resolves relative paths against cdktf.json). */
export const RUNNER_SCRIPT_PATH = join(__dirname, 'run-terraform.sh');

/** The synthesized sagemaker-project stack, zipped at synth, and its SHA-256. */
export interface ProjectCode {
  readonly zipFile: string;
  readonly sha256: string;
}

export interface ProjectArtifactsProps {
  /** Platform bucket (name) the runners download from. */
  readonly bucket: string;
  /** The synthesized project stack (tf-code.zip). */
  readonly terraformCode: ProjectCode;
  /** What must be in place before anything is uploaded (the bucket policy naming who may write). @default none */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * What the runners execute, uploaded under content-addressed keys (`<prefix><sha256>.<ext>`): the
 * runner script and tf-code.zip. A product version's template names both keys and both SHA-256s, and
 * the runner checks them before running anything, so every product version runs exactly the code it
 * was published with, and a changed file never overwrites the one an older version runs.
 */
export class ProjectArtifacts extends Construct {
  readonly runnerScript: VerifiedArtifact;
  readonly terraformCode: VerifiedArtifact;
  readonly objects: S3Object[];

  constructor(scope: Construct, id: string, props: ProjectArtifactsProps) {
    super(scope, id);
    const script = readFileSync(RUNNER_SCRIPT_PATH);
    const scriptSha256 = createHash('sha256').update(script).digest('hex');
    this.runnerScript = { key: runnerScriptKey(scriptSha256), sha256: scriptSha256 };
    this.terraformCode = { key: terraformCodeKey(props.terraformCode.sha256), sha256: props.terraformCode.sha256 };
    const code = new TerraformAsset(this, 'terraform-code-file', { path: props.terraformCode.zipFile, type: AssetType.FILE });
    this.objects = [
      new S3Object(this, 'runner-script', {
        bucket: props.bucket,
        key: this.runnerScript.key,
        // Base64: the script's `${...}` must not meet Terraform's template escaping.
        contentBase64: script.toString('base64'),
        contentType: 'text/x-shellscript',
        dependsOn: props.dependsOn,
      }),
      new S3Object(this, 'terraform-code', {
        bucket: props.bucket,
        key: this.terraformCode.key,
        source: code.path,
        contentType: 'application/zip',
        dependsOn: props.dependsOn,
      }),
    ];
  }
}
