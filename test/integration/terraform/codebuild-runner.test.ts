/** The CodeBuild engine's constructs on their own, through `terraform validate` with the real aws provider. */
import { TerraformWorkspace } from '../../harness/terraform';
import { synthRunner } from '../../codebuild-runner/support';

describe('CodeBuildRunner with the real aws provider', () => {
  test('terraform validate passes', async () => {
    const workspace = TerraformWorkspace.create(synthRunner().path);
    await workspace.init({ backend: false });
    const validation = await workspace.validate();
    expect(validation.diagnostics.filter((diagnostic) => diagnostic.severity === 'error')).toEqual([]);
    expect(validation.valid).toBe(true);
  });
});
