/** Where a download comes from and goes to: shell words, literal or expanding a variable (`$AWS_REGION`). */
export interface KeptObjectDownload {
  readonly bucket: string;
  readonly key: string;
  readonly target: string;
  readonly region: string;
}

/**
 * One shell command that downloads `s3://<bucket>/<key>` to `<target>`, or, when a later deployment
 * deleted that object, the newest version the bucket's versioning keeps of it: the runner's artifacts
 * live under content-addressed keys, so every version of a key is the same file, and an older product
 * version still finds the code it was published with. Its exit status says whether a file arrived;
 * callers check its SHA-256 before using it.
 */
export function keptObjectDownloadCommand({ bucket, key, target, region }: KeptObjectDownload): string {
  const object = `--bucket "${bucket}" --key "${key}" --region "${region}"`;
  const newestKept = `aws s3api list-object-versions --bucket "${bucket}" --prefix "${key}" --region "${region}" --query 'Versions[0].VersionId' --output text`;
  return `aws s3api get-object ${object} "${target}" >/dev/null || aws s3api get-object ${object} --version-id "$(${newestKept})" "${target}" >/dev/null`;
}
