import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { Construct } from 'constructs';
import { ARTIFACT_KEYS } from './project-template';

/** The runner script in this repository (absolute: cdktf resolves relative paths against cdktf.json). */
export const RUNNER_SCRIPT_PATH = join(__dirname, 'run-terraform.sh');

export interface RunnerScriptProps {
  /** Bucket (name) CommandRunner downloads the script from: the MLOps bucket. */
  readonly bucket: string;
}

/**
 * The runner script, uploaded where the template's bootstrap command fetches it. The content travels
 * base64-encoded (no Terraform template escaping of the script's `${...}`), so any change to the file
 * re-uploads it; the object carries the content's SHA-256, which the script also logs when it runs.
 */
export class RunnerScript extends Construct {
  readonly object: S3Object;
  readonly key: string = ARTIFACT_KEYS.runnerScript;
  /** SHA-256 (hex) of the uploaded script. */
  readonly sha256: string;

  constructor(scope: Construct, id: string, props: RunnerScriptProps) {
    super(scope, id);
    const content = readFileSync(RUNNER_SCRIPT_PATH);
    this.sha256 = createHash('sha256').update(content).digest('hex');
    this.object = new S3Object(this, 'object', {
      bucket: props.bucket,
      key: this.key,
      contentBase64: content.toString('base64'),
      contentType: 'text/x-shellscript',
      metadata: { sha256: this.sha256 },
    });
  }
}
