/** A configuration problem: the field (or variable), its value as given, the rule it breaks and where the value came from. */
export interface Problem {
  readonly field: string;
  /** Absent where printing the value could leak a secret (an unknown variable may hold one). */
  readonly value?: unknown;
  /** The rule, with the fix where the rule alone does not give it. */
  readonly rule: string;
  /** Where the value came from and where to change it: "from SMP_REGION", "from /work/project.config.json". */
  readonly source: string;
}

/** `region = "eu-west-9": must be an AWS Region ... (from SMP_REGION)` */
export function describeProblem(problem: Problem): string {
  const value = 'value' in problem ? ` = ${JSON.stringify(problem.value)}` : '';
  return `${problem.field}${value}: ${problem.rule} (${problem.source})`;
}
