import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A PNG header and bytes that are not valid UTF-8: must travel base64-encoded. */
export const BINARY_CONTENT = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0xfe, 0x80]);

/** The files of the fixture that belong in the repositories, by repository (the expected package). */
export const FIXTURE_FILES = {
  'model-build': ['.gitlab-ci.yml', 'README.md', 'data/logo.png', 'pipelines/__init__.py', 'pipelines/abalone/pipeline.py', 'setup.py'],
  'model-deploy': ['.gitlab-ci.yml', 'README.md', 'terraform/.terraform.lock.hcl', 'terraform/main.tf', 'tests/test_endpoint.py'],
} as const;

/** Junk the packaging must leave out, by repository. */
const JUNK_FILES = {
  'model-build': [
    '.DS_Store',
    'pipelines/__pycache__/pipeline.cpython-312.pyc',
    'pipelines/abalone/stale.pyc',
    '.pytest_cache/v/cache/nodeids',
    'notebooks/.ipynb_checkpoints/x.ipynb',
  ],
  'model-deploy': [
    'terraform/.terraform/providers/registry.terraform.io/hashicorp/aws/provider',
    'terraform/terraform.tfstate',
    'terraform/terraform.tfstate.backup',
    'terraform/.DS_Store',
  ],
};

/**
 * Writes a seed-code folder like the real one (model-build/, model-deploy/) with text files, a
 * binary file and the junk a developer's checkout collects; returns its path.
 */
export function writeSeedFixture(): string {
  const root = mkdtempSync(join(tmpdir(), 'seed-code-'));
  const write = (path: string, content: string | Buffer) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  };
  for (const [repository, files] of Object.entries(FIXTURE_FILES)) {
    for (const file of files) {
      write(`${repository}/${file}`, file.endsWith('.png') ? BINARY_CONTENT : `# ${repository}/${file}\nprint("héllo from ${file}")\n`);
    }
  }
  for (const [repository, files] of Object.entries(JUNK_FILES)) for (const file of files) write(`${repository}/${file}`, 'junk');
  return root;
}
