import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { ProjectArtifacts, RUNNER_SCRIPT_PATH } from '../../../constructs/command-runner/project-artifacts';
import { runnerScriptKey, terraformCodeKey } from '../../../contract/runner';
import { addressOf, configOf, synthScope } from '../../support/synth-scope';

const codeDir = mkdtempSync(join(tmpdir(), 'project-code-'));
const zipFile = join(codeDir, 'tf-code.zip');
writeFileSync(zipFile, 'not really a zip');
afterAll(() => rmSync(codeDir, { recursive: true, force: true }));
const CODE_SHA = 'c'.repeat(64);

const { json, tf, built } = synthScope((scope) => {
  const policy = new S3Object(scope, 'bucket-policy-stand-in', { bucket: 'acme-tfstate', key: 'k', content: 'x' });
  return {
    policy,
    artifacts: new ProjectArtifacts(scope, 'project-artifacts', { bucket: 'acme-tfstate', terraformCode: { zipFile, sha256: CODE_SHA }, dependsOn: [policy] }),
  };
});
const [scriptObject, codeObject] = built.artifacts.objects.map((object) => configOf(tf, object));

describe('ProjectArtifacts', () => {
  test('the runner script is uploaded byte for byte (base64: no template escaping) under the key of its SHA-256', () => {
    const script = readFileSync(RUNNER_SCRIPT_PATH);
    const sha256 = createHash('sha256').update(script).digest('hex');
    expect(built.artifacts.runnerScript).toEqual({ key: runnerScriptKey(sha256), sha256 });
    expect(json).toHaveResourceWithProperties(S3Object, { bucket: 'acme-tfstate', key: runnerScriptKey(sha256), content_type: 'text/x-shellscript' });
    expect(Buffer.from(scriptObject.content_base64, 'base64').equals(script)).toBe(true);
    expect(scriptObject.content).toBeUndefined();
  });

  test('tf-code.zip is uploaded from its asset under the key of the SHA-256 it was given', () => {
    expect(built.artifacts.terraformCode).toEqual({ key: terraformCodeKey(CODE_SHA), sha256: CODE_SHA });
    expect(codeObject).toMatchObject({ bucket: 'acme-tfstate', key: terraformCodeKey(CODE_SHA), content_type: 'application/zip' });
    expect(codeObject.source).toMatch(/^assets\/project-artifacts_terraform-code-file_[0-9A-F]+\/[0-9A-F]+\/tf-code\.zip$/);
  });

  test('both are uploaded only after what they depend on (the bucket policy naming who may write)', () => {
    for (const object of [scriptObject, codeObject]) expect(object.depends_on).toEqual([addressOf(built.policy)]);
  });
});
