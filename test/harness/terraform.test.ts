import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TerraformWorkspace } from './terraform';

describe('TerraformWorkspace.create', () => {
  test('from a cdk.tf.json path, the assets the stack references come along; state and lock files do not', () => {
    const stackDir = mkdtempSync(join(tmpdir(), 'synthesized-'));
    writeFileSync(join(stackDir, 'cdk.tf.json'), JSON.stringify({ resource: { aws_lambda_function: { seed: { filename: 'assets/seed/archive.zip' } } } }));
    mkdirSync(join(stackDir, 'assets', 'seed'), { recursive: true });
    writeFileSync(join(stackDir, 'assets', 'seed', 'archive.zip'), 'zip bytes');
    writeFileSync(join(stackDir, 'terraform.tfstate'), '{}');

    const workspace = TerraformWorkspace.create(join(stackDir, 'cdk.tf.json'));
    expect(readFileSync(join(workspace.dir, 'assets', 'seed', 'archive.zip'), 'utf8')).toBe('zip bytes');
    expect(JSON.parse(readFileSync(join(workspace.dir, 'main.tf.json'), 'utf8')).resource.aws_lambda_function.seed.filename).toBe('assets/seed/archive.zip');
    expect(existsSync(join(workspace.dir, 'cdk.tf.json'))).toBe(false);
    expect(existsSync(join(workspace.dir, 'terraform.tfstate'))).toBe(false);
  });
});
