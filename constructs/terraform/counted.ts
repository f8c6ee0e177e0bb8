import { Fn, Op, ref, TerraformDataSource, TerraformResource, TerraformStack, Token } from 'cdktf';

/**
 * `one(<address>[*].<attribute>)`: the attribute of a resource or data source whose `count` is 0 or
 * 1, or null when it has no instance. (A plain reference would lack the index Terraform needs.)
 */
export function attributeOfOptional(element: TerraformResource | TerraformDataSource, attribute: string): string {
  const address = `${element instanceof TerraformDataSource ? 'data.' : ''}${element.terraformResourceType}.${element.friendlyUniqueId}`;
  return Token.asString(Fn.one(ref(`${address}[*].${attribute}`, TerraformStack.of(element))));
}

/**
 * `length(value) < 1`. (cdktf's operators render a falsy operand, "" or 0, as `undefined`, which
 * Terraform rejects; a comparison with 1 says the same and renders as written.)
 */
export function isEmpty(value: string) {
  return Op.lt(Fn.lengthOf(value), 1);
}
