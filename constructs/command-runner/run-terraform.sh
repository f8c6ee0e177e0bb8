#!/usr/bin/env bash
# Applies or destroys the sagemaker-project Terraform stack for one SageMaker project, on the
# CommandRunner EC2 instance (Amazon Linux 2, x86_64).
#
# Usage: run-terraform.sh PARAMETERS_FILE
#
# Both runner engines use it: CommandRunner (the template's bootstrap writes the parameters file) and
# CodeBuild (the buildspec writes it from the build's environment). PARAMETERS_FILE holds KEY=value
# lines (written with a quoted here-document or printf, so values arrive byte for byte): the form's
# per-project values as TF_VAR_<variable> (only the variables in PROJECT_VARIABLES), the run's action
# and context, and the platform's values written into the template at synth (RUNNER_KEYS). Values are
# exported as they are, never evaluated by a shell; any other key fails the run.
#
# Before Terraform starts, the run is bound to one SageMaker project: the project named in the run must
# exist with the id given, and be backed by the provisioned product that owns the CloudFormation stack
# the run belongs to; the state records that stack, and no other stack may apply or destroy it. The code
# (tf-code.zip) runs only if its SHA-256 is the one written into the template.
#
# On success the script writes one word, "applied" or "destroyed", to the output file, which
# CommandRunner returns to CloudFormation. On any failure it writes nothing there, names the failed
# step and exits non-zero; CommandRunner then signals an empty output and the project fails at once
# instead of waiting for the timeout. It never prints the environment or a parameter's value other
# than the project's name, id, the stack and the state location.
#
# Environment (test seams; production uses the defaults):
#   SMP_OUTPUT_FILE      file read by CommandRunner's signal      default /command-output.txt
#   SMP_INSTALL_DIR      where the pinned terraform is unpacked   default /usr/local/bin
#   SMP_TERRAFORM_URL    terraform_<version>_linux_amd64.zip URL  default releases.hashicorp.com
#                        (any URL curl reads, e.g. file://; the SHA-256 check applies all the same)
#   SMP_LOCAL_STATE_DIR  when set, a local backend replaces S3: state at <dir>/<state key>
#
# Environment the CodeBuild engine sets (contract/runner.ts RUNNER_ENVIRONMENT):
#   TF_PLUGIN_CACHE_DIR        Terraform's provider plugin cache, kept between builds
#   RUNNER_PROVIDER_LOCK_FILE  the lock file of this code version, kept beside the cache: copied in
#                              before init (so init trusts the cached providers) and back after it
set -euo pipefail
umask 077

readonly OUTPUT_FILE="${SMP_OUTPUT_FILE:-/command-output.txt}"
readonly INSTALL_DIR="${SMP_INSTALL_DIR:-/usr/local/bin}"
# The keys of contract/runner.ts (RUNNER_SETTINGS) and contract/project-parameters.ts; a test keeps them in step.
readonly RUNNER_KEYS=" AWS_REGION CLOUDFORMATION_STACK_ID TF_STATE_BUCKET TF_STATE_LOCK_TABLE TF_STATE_KEY_PREFIX TF_STATE_KMS_KEY_ARN TF_CODE_KEY TF_CODE_SHA256 TERRAFORM_VERSION TERRAFORM_SHA256 ARTIFACT_BUCKET_ON_DELETE TERRAFORM_ACTION "
# Terraform addresses of the artifact bucket's resources (contract/runner.ts ARTIFACT_BUCKET_ADDRESS_PREFIX).
readonly ARTIFACT_BUCKET_ADDRESS_PREFIX="artifact-bucket_"
readonly PROJECT_VARIABLES=" sagemaker_project_name sagemaker_project_id git_build_repo_name git_deploy_repo_name "

step="start"

log() {
  printf '%s [run-terraform] %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"
}

begin() {
  step="$1"
  log "==> ${step}"
}

fail() {
  log "ERROR: $*"
  exit 1
}

on_exit() {
  local status=$?
  if [ "${status}" -ne 0 ]; then
    rm -f "${OUTPUT_FILE}"
    log "FAILED at step \"${step}\" (exit status ${status}); the cause is printed above. Nothing was written to ${OUTPUT_FILE}, so CloudFormation fails the project now."
  fi
}
trap on_exit EXIT

# Reads KEY=value lines: only the known keys and the form's variables, each once, so a value can never
# smuggle in another setting (PATH, LD_PRELOAD, a second project id, a platform value).
read_parameters() {
  local file="$1" line key value
  local -A seen=()
  [ -r "${file}" ] || fail "parameters file ${file} is missing or unreadable"
  while IFS= read -r line || [ -n "${line}" ]; do
    [ -z "${line}" ] && continue
    [[ "${line}" == *=* ]] || fail "malformed parameter line (no '='): each line must be KEY=value"
    key="${line%%=*}"
    value="${line#*=}"
    if [[ "${key}" == TF_VAR_* ]]; then
      [[ "${PROJECT_VARIABLES}" == *" ${key#TF_VAR_} "* ]] ||
        fail "unexpected parameter ${key}: the form sets only TF_VAR_ of${PROJECT_VARIABLES% }; platform values are part of the product version, not parameters"
    elif [[ "${RUNNER_KEYS}" != *" ${key} "* ]]; then
      fail "unexpected parameter ${key}: only TF_VAR_<form variable> and${RUNNER_KEYS% } are accepted"
    fi
    [ -z "${seen[${key}]+set}" ] || fail "parameter ${key} is given twice"
    seen[${key}]=1
    export "${key}=${value}"
  done < "${file}"
}

require() {
  local name="$1" parameter="$2"
  [ -n "${!name:-}" ] || fail "${parameter} is empty: the template must pass it (${name})"
}

validate_parameters() {
  require TF_VAR_sagemaker_project_id "SageMakerProjectId"
  require TF_VAR_sagemaker_project_name "SageMakerProjectName"
  require TF_STATE_BUCKET "the platform bucket"
  require TF_STATE_LOCK_TABLE "the lock table"
  require AWS_REGION "the region"
  require CLOUDFORMATION_STACK_ID "the CloudFormation stack id"
  require TERRAFORM_VERSION "the pinned Terraform version"
  require TERRAFORM_SHA256 "the Terraform checksum"
  require TF_CODE_KEY "the Terraform code key"
  require TF_CODE_SHA256 "the Terraform code checksum"
  require TF_STATE_KEY_PREFIX "the state key prefix"
  # The project id becomes part of the state key: nothing but SageMaker's id format may reach it.
  # shellcheck disable=SC2154 # exported by read_parameters from the parameters file
  [[ "${TF_VAR_sagemaker_project_id}" =~ ^p-[a-z0-9]{12}$ ]] ||
    fail "SageMakerProjectId must look like p-abcdefghijkl (the id SageMaker gives the project)"
  # shellcheck disable=SC2154
  [[ "${TF_VAR_sagemaker_project_name}" =~ ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,31}$ && ${#TF_VAR_sagemaker_project_name} -le 32 ]] ||
    fail "SageMakerProjectName must be 1-32 letters, digits and hyphens, starting and ending with a letter or digit"
  case "${TERRAFORM_ACTION:-}" in
    apply | destroy) ;;
    *) fail "TerraformAction must be apply or destroy" ;;
  esac
  case "${ARTIFACT_BUCKET_ON_DELETE:=empty}" in
    empty | keep) ;;
    *) fail "the artifact bucket setting on delete must be empty or keep" ;;
  esac
  [[ "${CLOUDFORMATION_STACK_ID}" =~ ^arn:aws[a-z-]*:cloudformation:[a-z0-9-]+:[0-9]{12}:stack/[A-Za-z][A-Za-z0-9-]*/[A-Za-z0-9-]+$ ]] ||
    fail "the CloudFormation stack id must be a stack ARN"
  [[ "${TERRAFORM_VERSION}" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "the pinned Terraform version must look like 1.11.4"
  [[ "${TERRAFORM_SHA256}" =~ ^[0-9a-f]{64}$ ]] || fail "the Terraform checksum must be a lowercase hex SHA-256"
  [[ "${TF_CODE_SHA256}" =~ ^[0-9a-f]{64}$ ]] || fail "the Terraform code checksum must be a lowercase hex SHA-256"
  state_key="${TF_STATE_KEY_PREFIX}/${TF_VAR_sagemaker_project_id}/terraform.tfstate"
  export TF_VAR_cloudformation_stack_id="${CLOUDFORMATION_STACK_ID}"
}

install_terraform() {
  local url="${SMP_TERRAFORM_URL:-https://releases.hashicorp.com/terraform/${TERRAFORM_VERSION}/terraform_${TERRAFORM_VERSION}_linux_amd64.zip}"
  local archive="${work_dir}/terraform.zip" actual reported
  log "downloading ${url}"
  curl --fail --silent --show-error --location --retry 3 --proto-redir '=https' --output "${archive}" "${url}"
  actual="$(sha256sum "${archive}" | cut -d ' ' -f 1)"
  if [ "${actual}" != "${TERRAFORM_SHA256}" ]; then
    fail "SHA-256 mismatch for terraform_${TERRAFORM_VERSION}_linux_amd64.zip: expected ${TERRAFORM_SHA256}, got ${actual}. Not installing it; check runner.terraformVersion and runner.terraformSha256 in the configuration."
  fi
  log "checksum verified (${actual})"
  mkdir -p "${INSTALL_DIR}"
  unzip -o -q "${archive}" terraform -d "${INSTALL_DIR}"
  terraform_bin="${INSTALL_DIR}/terraform"
  reported="$("${terraform_bin}" version)"
  [ "${reported%%$'\n'*}" = "Terraform v${TERRAFORM_VERSION}" ] ||
    fail "the unpacked terraform reports \"${reported%%$'\n'*}\", not Terraform v${TERRAFORM_VERSION}"
}

# Downloads s3://bucket/key to a file: the current object, or, when a later deployment deleted it,
# the newest version the bucket keeps (keys are content-addressed, so every version is the same file).
fetch_object() {
  local key="$1" target="$2" version
  aws s3api get-object --bucket "${TF_STATE_BUCKET}" --key "${key}" "${target}" --region "${AWS_REGION}" > /dev/null 2>&1 && return 0
  version="$(aws s3api list-object-versions --bucket "${TF_STATE_BUCKET}" --prefix "${key}" --region "${AWS_REGION}" --query 'Versions[0].VersionId' --output text)"
  [[ -n "${version}" && "${version}" != None ]] ||
    fail "s3://${TF_STATE_BUCKET}/${key} does not exist (no current object, no kept version): this product version's code was never published in this account"
  log "s3://${TF_STATE_BUCKET}/${key} was deleted by a later deployment; using its kept version ${version}"
  aws s3api get-object --bucket "${TF_STATE_BUCKET}" --key "${key}" --version-id "${version}" "${target}" --region "${AWS_REGION}" > /dev/null
}

fetch_code() {
  local actual
  fetch_object "${TF_CODE_KEY}" "${work_dir}/tf-code.zip"
  actual="$(sha256sum "${work_dir}/tf-code.zip" | cut -d ' ' -f 1)"
  [ "${actual}" = "${TF_CODE_SHA256}" ] ||
    fail "tf-code.zip is not the code this product version was published with: expected SHA-256 ${TF_CODE_SHA256}, got ${actual}. Nothing was run; redeploy the service-catalog stack and update the project to its current version."
  log "tf-code.zip verified (${actual})"
  mkdir -p "${code_dir}"
  unzip -q "${work_dir}/tf-code.zip" -d "${code_dir}"
  compgen -G "${code_dir}/*.tf.json" > /dev/null || compgen -G "${code_dir}/*.tf" > /dev/null ||
    fail "tf-code.zip holds no Terraform configuration at its root"
}

# The SageMaker project named in the run must exist, have the id given, and be backed by the
# provisioned product that owns the CloudFormation stack the run belongs to: a stack provisioned
# directly with another project's name or id stops here, before anything reads that project's state.
bind_project() {
  local provisioned_product_arn provisioned_product project_id project_product describe_error
  provisioned_product_arn="$(aws cloudformation describe-stacks --stack-name "${CLOUDFORMATION_STACK_ID}" --region "${AWS_REGION}" \
    --query "Stacks[0].Tags[?Key=='aws:servicecatalog:provisionedProductArn'].Value | [0]" --output text)"
  provisioned_product="${provisioned_product_arn##*/}"
  [[ "${provisioned_product}" =~ ^pp-[a-z0-9]+$ ]] ||
    fail "stack ${CLOUDFORMATION_STACK_ID} was not launched by Service Catalog (no aws:servicecatalog:provisionedProductArn tag): projects are created from SageMaker Studio"
  describe_error="${work_dir}/describe-project.err"
  if ! read -r project_id project_product < <(aws sagemaker describe-project --project-name "${TF_VAR_sagemaker_project_name}" --region "${AWS_REGION}" \
    --query '[ProjectId, ServiceCatalogProvisionedProductDetails.ProvisionedProductId]' --output text 2> "${describe_error}"); then
    if [ "${TERRAFORM_ACTION}" = destroy ] && grep -q 'does not exist' "${describe_error}"; then
      log "SageMaker project ${TF_VAR_sagemaker_project_name} no longer exists: destroying only if the state belongs to this stack"
      project_gone=1
      return 0
    fi
    cat "${describe_error}" >&2
    fail "cannot find SageMaker project ${TF_VAR_sagemaker_project_name}: projects are created from SageMaker Studio, which names the project and its id"
  fi
  [ "${project_id}" = "${TF_VAR_sagemaker_project_id}" ] ||
    fail "SageMaker project ${TF_VAR_sagemaker_project_name} has id ${project_id}, not ${TF_VAR_sagemaker_project_id}: the name and id of a run must be one project's"
  [ "${project_product}" = "${provisioned_product}" ] ||
    fail "SageMaker project ${TF_VAR_sagemaker_project_name} (${project_id}) is backed by provisioned product ${project_product}, but this run belongs to ${provisioned_product} (stack ${CLOUDFORMATION_STACK_ID}): only the project's own stack may run it"
  log "bound to SageMaker project ${TF_VAR_sagemaker_project_name} (${project_id}) and provisioned product ${provisioned_product}"
}

# The state records the stack that created it: no other stack may apply or destroy it.
check_state_owner() {
  local recorded
  # -json fails when the state has no such output (-raw would print a warning instead); an ARN needs no unescaping.
  recorded="$("${terraform_bin}" output -no-color -json cloudformation_stack_id 2> /dev/null || true)"
  recorded="${recorded#\"}"
  recorded="${recorded%\"}"
  if [ -n "${recorded}" ]; then
    [ "${recorded}" = "${CLOUDFORMATION_STACK_ID}" ] ||
      fail "the state of ${TF_VAR_sagemaker_project_id} belongs to stack ${recorded}, not to ${CLOUDFORMATION_STACK_ID}: only the project's own stack may run it"
    log "the state belongs to this stack"
  elif [ "${project_gone}" = 1 ] && [ -n "$("${terraform_bin}" state list 2> /dev/null)" ]; then
    fail "the state of ${TF_VAR_sagemaker_project_id} records no stack and its SageMaker project is gone: nothing proves it belongs to this stack, so it is left alone"
  fi
}

backend_arguments() {
  if [ -n "${SMP_LOCAL_STATE_DIR:-}" ]; then
    log "SMP_LOCAL_STATE_DIR is set: local backend at ${SMP_LOCAL_STATE_DIR}/${state_key} instead of S3"
    printf '%s\n' '{"terraform": {"backend": {"local": {}}}}' > "${code_dir}/zz_local_backend_override.tf.json"
    mkdir -p "$(dirname "${SMP_LOCAL_STATE_DIR}/${state_key}")"
    backend=("-backend-config=path=${SMP_LOCAL_STATE_DIR}/${state_key}")
    return
  fi
  backend=(
    "-backend-config=bucket=${TF_STATE_BUCKET}"
    "-backend-config=key=${state_key}"
    "-backend-config=region=${AWS_REGION}"
    "-backend-config=dynamodb_table=${TF_STATE_LOCK_TABLE}"
    "-backend-config=encrypt=true"
    "-backend-config=use_lockfile=true"
  )
  if [ -n "${TF_STATE_KMS_KEY_ARN:-}" ]; then
    backend+=("-backend-config=kms_key_id=${TF_STATE_KMS_KEY_ARN}")
  fi
  log "state: s3://${TF_STATE_BUCKET}/${state_key} (lock file and DynamoDB table ${TF_STATE_LOCK_TABLE}, encrypted)"
}

# `keep`: the artifact bucket leaves the state before a destroy, so Terraform leaves it (and its data) in place.
forget_artifact_bucket() {
  local address
  while IFS= read -r address; do
    [[ "${address}" == *".${ARTIFACT_BUCKET_ADDRESS_PREFIX}"* ]] || continue
    "${terraform_bin}" state rm -lock-timeout=300s "${address}" > /dev/null
    log "kept ${address} (the bucket stays, with its data)"
  done < <("${terraform_bin}" state list)
}

run_terraform() {
  # Bash 4.2 (Amazon Linux 2) treats an empty array as unset under `set -u`: one flag, never empty.
  local plan_mode=-destroy=false plan_step="terraform plan"
  if [ "${TERRAFORM_ACTION}" = destroy ]; then
    plan_mode=-destroy
    plan_step="terraform plan -destroy"
  fi

  # Every run starts in a fresh directory: a plain init (never -reconfigure) is always right. A lock
  # file kept from an earlier run of this code version lets init take the providers from the cache.
  if [ -n "${RUNNER_PROVIDER_LOCK_FILE:-}" ] && [ -f "${RUNNER_PROVIDER_LOCK_FILE}" ]; then
    cp "${RUNNER_PROVIDER_LOCK_FILE}" .terraform.lock.hcl
  fi
  begin "terraform init"
  "${terraform_bin}" init -input=false -no-color "${backend[@]}"
  if [ -n "${RUNNER_PROVIDER_LOCK_FILE:-}" ] && [ -f .terraform.lock.hcl ]; then
    mkdir -p "$(dirname "${RUNNER_PROVIDER_LOCK_FILE}")"
    cp .terraform.lock.hcl "${RUNNER_PROVIDER_LOCK_FILE}"
  fi

  begin "check the state's stack"
  check_state_owner

  if [ "${TERRAFORM_ACTION}" = destroy ] && [ "${ARTIFACT_BUCKET_ON_DELETE}" = keep ]; then
    begin "keep the artifact bucket"
    forget_artifact_bucket
  fi

  begin "${plan_step}"
  "${terraform_bin}" plan "${plan_mode}" -input=false -no-color -lock-timeout=300s -out="${work_dir}/tfplan"

  # Applying the saved plan runs exactly what was just printed; with -destroy it is terraform destroy.
  begin "terraform ${TERRAFORM_ACTION}"
  "${terraform_bin}" apply -input=false -no-color -lock-timeout=300s -auto-approve "${work_dir}/tfplan"
}

main() {
  [ $# -eq 1 ] || fail "usage: run-terraform.sh PARAMETERS_FILE"
  rm -f "${OUTPUT_FILE}"
  # cloud-init runs user data without HOME; terraform and the AWS CLI need one.
  export HOME="${HOME:-/root}"
  export TF_IN_AUTOMATION=1 TF_INPUT=0 CHECKPOINT_DISABLE=1

  log "run-terraform.sh $(sha256sum "${BASH_SOURCE[0]}" | cut -d ' ' -f 1)"
  begin "read parameters"
  read_parameters "$1"
  validate_parameters
  # shellcheck disable=SC2154 # exported by read_parameters from the parameters file
  log "project ${TF_VAR_sagemaker_project_name} (${TF_VAR_sagemaker_project_id}), stack ${CLOUDFORMATION_STACK_ID}: terraform ${TERRAFORM_ACTION}"

  work_dir="$(mktemp -d "${TMPDIR:-/tmp}/run-terraform.XXXXXX")"
  code_dir="${work_dir}/code"

  begin "bind the run to its SageMaker project"
  project_gone=0
  bind_project

  begin "install terraform ${TERRAFORM_VERSION}"
  install_terraform

  begin "download s3://${TF_STATE_BUCKET}/${TF_CODE_KEY}"
  fetch_code
  cd "${code_dir}"
  backend_arguments

  run_terraform

  begin "record the result"
  local result=applied
  [ "${TERRAFORM_ACTION}" = destroy ] && result=destroyed
  printf '%s' "${result}" > "${OUTPUT_FILE}"
  log "done: ${result}"
}

main "$@"
