import { keptObjectDownloadCommand } from '../../../constructs/command-runner/kept-object-download';

describe('keptObjectDownloadCommand', () => {
  const command = keptObjectDownloadCommand({
    bucket: 'acme-tfstate',
    key: 'command-runner/run-terraform/abc.sh',
    target: '$SMP_SCRIPT',
    region: '$AWS_REGION',
  });
  const object = '--bucket "acme-tfstate" --key "command-runner/run-terraform/abc.sh" --region "$AWS_REGION"';

  test('downloads the current object to the target', () => {
    expect(command.startsWith(`aws s3api get-object ${object} "$SMP_SCRIPT" >/dev/null || `)).toBe(true);
  });

  test('falls back to the newest version versioning keeps of the key, when the object was deleted', () => {
    const newestKept =
      'aws s3api list-object-versions --bucket "acme-tfstate" --prefix "command-runner/run-terraform/abc.sh" --region "$AWS_REGION" --query \'Versions[0].VersionId\' --output text';
    expect(command.endsWith(`|| aws s3api get-object ${object} --version-id "$(${newestKept})" "$SMP_SCRIPT" >/dev/null`)).toBe(true);
  });

  test('is one command whose exit status says whether a file arrived (no exit, no ;)', () => {
    expect(command).not.toMatch(/\bexit\b|;|\n/);
    expect(command.split(' || ')).toHaveLength(2);
  });
});
