import { Fn, Op, Precondition } from 'cdktf';

/**
 * A plan-time check that a name built from Studio input fits its AWS limit, failing the plan with
 * the name and the limit instead of an API error halfway through an apply.
 */
export function nameWithinLimit(name: string, limit: number, what: string): Precondition {
  return {
    condition: Op.lte(Fn.lengthOf(name), limit),
    errorMessage: `The ${what} "${name}" is longer than ${limit} characters: choose a shorter SageMaker project name.`,
  };
}
