// The project's lint rules: typescript-eslint's recommended set, formatting left to Prettier, and the
// rules this codebase depends on (see each comment).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['cdktf.out/', 'coverage/', 'bench-results/', '**/.terraform/', '**/*.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // An underscore marks a value left out on purpose (a destructured field dropped, an unused parameter kept for its position).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
      'no-restricted-imports': [
        'error',
        {
          paths: [
            // The barrel loads every generated resource class: seconds and about 1 GB per synth.
            { name: '@cdktf/provider-aws', message: 'Import the resource module itself, e.g. @cdktf/provider-aws/lib/s3-bucket.' },
            { name: '@cdktf/provider-gitlab', message: 'Import the resource module itself, e.g. @cdktf/provider-gitlab/lib/project.' },
          ],
        },
      ],
    },
  },
  {
    // Functions run in Lambda from their own bundles: they share the contract with the constructs, never the constructs.
    files: ['lambda/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [{ group: ['**/constructs/**', '**/stacks/**', 'cdktf', '@cdktf/*'], message: 'Lambda code imports only contract/ and its own modules.' }],
        },
      ],
    },
  },
  {
    // The guardrails, the tests and the verification tools read Terraform's JSON (synthesized stacks, plans),
    // which has no useful static type.
    files: ['guardrails/**/*.ts', 'test/**/*.ts', 'tools/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // jest.mock factories are hoisted above imports and must require; bundles built at run time are required by path.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  prettier,
);
