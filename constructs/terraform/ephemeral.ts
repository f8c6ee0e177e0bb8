import { TerraformStack, TerraformVariable, TerraformVariableConfig } from 'cdktf';
import { Construct } from 'constructs';

/**
 * An ephemeral resource (Terraform ≥ 1.10): opened while Terraform plans and applies, and never
 * written to a plan or state, so a secret read through it stays out of both. cdktf 0.21 has no class
 * for ephemeral resources; this writes the block into the stack's JSON (`ephemeral.<type>.<name>`).
 */
export class EphemeralResource extends Construct {
  /** Terraform name of the block. */
  readonly name: string;

  constructor(
    scope: Construct,
    id: string,
    readonly type: string,
    config: Record<string, unknown>,
  ) {
    super(scope, id);
    this.name = this.node.path
      .split('/')
      .slice(1)
      .join('_')
      .replace(/[^A-Za-z0-9_-]/g, '_');
    TerraformStack.of(this).addOverride(`ephemeral.${type}.${this.name}`, config);
  }

  /** `${ephemeral.<type>.<name>.<attribute>}`: usable only where Terraform accepts ephemeral values. */
  attribute(attribute: string): string {
    return `\${ephemeral.${this.type}.${this.name}.${attribute}}`;
  }
}

/**
 * A variable whose value Terraform never writes to a plan or state file (`ephemeral = true`,
 * Terraform ≥ 1.10): for secrets given at apply time. cdktf 0.21 has no option for it.
 */
export function ephemeralVariable(scope: Construct, id: string, config: TerraformVariableConfig): TerraformVariable {
  const variable = new TerraformVariable(scope, id, config);
  variable.addOverride('ephemeral', true);
  return variable;
}
