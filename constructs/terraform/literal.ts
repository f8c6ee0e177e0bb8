/**
 * Escapes Terraform template sequences (`${`, `%{`) in text that must reach AWS verbatim, such as a
 * CloudFormation template using `Fn::Sub`, while keeping cdktf tokens (`${TfToken[...]}`), which
 * become real Terraform references at synth.
 */
export function terraformLiteral(text: string): string {
  return text.replace(/\$\{(?!TfToken\[)/g, () => '$${').replace(/%\{/g, () => '%%{');
}
