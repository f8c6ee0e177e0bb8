import { Fn, Op, Precondition, Token } from 'cdktf';

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

/**
 * The plan-time check of a name that comes from Terraform values; a name known at synth (a platform
 * name) is checked at once instead, since Terraform refuses a precondition that refers to nothing.
 */
export function nameLimitChecks(name: string, limit: number, what: string): Precondition[] {
  if (Token.isUnresolved(name)) return [nameWithinLimit(name, limit, what)];
  if (name.length > limit) throw new Error(`The ${what} "${name}" is longer than ${limit} characters: choose a shorter name.`);
  return [];
}
