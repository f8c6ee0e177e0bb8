import { Rule } from '../rule';

/**
 * Oldest version of each runtime family that is neither deprecated nor announced for deprecation
 * within the coming months (AWS Lambda runtime support policy, as of November 2026: nodejs20.x is
 * deprecated since April 2026, python3.11 and java17 with Amazon Linux 2 in June 2026). Newer
 * versions pass without a change here; raise a minimum when AWS announces a deprecation.
 */
const CURRENT_RUNTIME_MINIMUMS: Record<string, number[]> = {
  nodejs: [22],
  python: [3, 12],
  java: [21],
  dotnet: [10],
  ruby: [3, 4],
};

/** OS-only runtimes that are current. */
const CURRENT_OS_ONLY = ['provided.al2023'];

const versionOf = (text: string): number[] => text.split('.').map(Number);

const atLeast = (version: number[], minimum: number[]): boolean => {
  for (let index = 0; index < minimum.length; index++) {
    const part = version[index] ?? 0;
    if (part !== minimum[index]) return part > minimum[index];
  }
  return true;
};

/** Whether a Lambda runtime identifier (`nodejs22.x`, `python3.12`, `provided.al2023`) is current. */
export function isCurrentRuntime(runtime: string): boolean {
  if (CURRENT_OS_ONLY.includes(runtime)) return true;
  const match = /^([a-z]+)(\d+(\.\d+)?)(\.x)?$/.exec(runtime);
  if (!match || !CURRENT_RUNTIME_MINIMUMS[match[1]]) return false;
  return atLeast(versionOf(match[2]), CURRENT_RUNTIME_MINIMUMS[match[1]]);
}

const minimums = Object.entries(CURRENT_RUNTIME_MINIMUMS)
  .map(([family, version]) => `${family} ${version.join('.')}`)
  .join(', ');

/** Every Lambda function with a managed runtime uses a current one (container images are not applicable). */
export const LambdaRuntimeCurrent: Rule = {
  id: 'CKV_AWS_363',
  name: 'LambdaRuntimeCurrent',
  checkov: ['CKV_AWS_363'],
  fix: `Use a current runtime: nodejs22.x or later, python3.12 or later (minimums: ${minimums}, or ${CURRENT_OS_ONLY.join(', ')}).`,
  check: (stack) =>
    stack
      .ofType('aws_lambda_function')
      .filter((fn) => fn.config.package_type !== 'Image' && !(typeof fn.config.runtime === 'string' && isCurrentRuntime(fn.config.runtime)))
      .map((fn) => ({
        element: fn,
        problem: fn.config.runtime === undefined ? 'the function sets no runtime.' : `runtime ${fn.config.runtime} is deprecated or about to be.`,
      })),
};
