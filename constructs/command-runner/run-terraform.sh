#!/usr/bin/env bash
# Applies or destroys the sagemaker-project Terraform stack for one SageMaker project, on the
# CommandRunner EC2 instance (Amazon Linux 2, x86_64).
#
# Usage: run-terraform.sh PARAMETERS_FILE
#
# PARAMETERS_FILE holds KEY=value lines written by the CloudFormation template's bootstrap command
# (a quoted here-document, so values arrive byte for byte): the project's Terraform variables as
# TF_VAR_<name>, the run's settings (see read_parameters) and the platform's constants. Values are
# exported as they are, never evaluated by a shell.
#
# On success the script writes one word, "applied" or "destroyed", to the output file, which
# CommandRunner returns to CloudFormation. On any failure it writes nothing there, names the failed
# step and exits non-zero; CommandRunner then signals an empty output and the project fails at once
# instead of waiting for the timeout. It never prints the environment or a parameter's value other
# than the project's name, id and the state location.
#
# Environment (test seams; production uses the defaults):
#   SMP_OUTPUT_FILE      file read by CommandRunner's signal      default /command-output.txt
#   SMP_INSTALL_DIR      where the pinned terraform is unpacked   default /usr/local/bin
#   SMP_TERRAFORM_URL    terraform_<version>_linux_amd64.zip URL  default releases.hashicorp.com
#                        (any URL curl reads, e.g. file://; the SHA-256 check applies all the same)
#   SMP_LOCAL_STATE_DIR  when set, a local backend replaces S3: state at <dir>/<state key>
set -euo pipefail
umask 077

readonly OUTPUT_FILE="${SMP_OUTPUT_FILE:-/command-output.txt}"
readonly INSTALL_DIR="${SMP_INSTALL_DIR:-/usr/local/bin}"
readonly RUNNER_KEYS=" MLOPS_S3_BUCKET TF_STATE_LOCK_TABLE TERRAFORM_ACTION TERRAFORM_INIT_ACTION AWS_REGION TERRAFORM_VERSION TERRAFORM_SHA256 TF_CODE_KEY TF_STATE_KEY_PREFIX TF_STATE_KMS_KEY_ARN "

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

# Reads KEY=value lines: only known keys and TF_VAR_<lowercase name>, each once, so a value can
# never smuggle in another setting (PATH, LD_PRELOAD, a second project id).
read_parameters() {
  local file="$1" line key value
  local -A seen=()
  [ -r "${file}" ] || fail "parameters file ${file} is missing or unreadable"
  while IFS= read -r line || [ -n "${line}" ]; do
    [ -z "${line}" ] && continue
    [[ "${line}" == *=* ]] || fail "malformed parameter line (no '='): each line must be KEY=value"
    key="${line%%=*}"
    value="${line#*=}"
    if [[ ! "${key}" =~ ^TF_VAR_[a-z][a-z0-9_]*$ ]] && [[ "${RUNNER_KEYS}" != *" ${key} "* ]]; then
      fail "unexpected parameter ${key}: only TF_VAR_<variable> and${RUNNER_KEYS% } are accepted"
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
  require MLOPS_S3_BUCKET "MLOpsS3Bucket"
  require TF_STATE_LOCK_TABLE "TerraformStateLockTable"
  require AWS_REGION "the region"
  require TERRAFORM_VERSION "the pinned Terraform version"
  require TERRAFORM_SHA256 "the Terraform checksum"
  require TF_CODE_KEY "the Terraform code key"
  require TF_STATE_KEY_PREFIX "the state key prefix"
  # The project id becomes part of the state key: nothing but SageMaker's id format may reach it.
  # shellcheck disable=SC2154 # exported by read_parameters from the parameters file
  [[ "${TF_VAR_sagemaker_project_id}" =~ ^p-[a-z0-9]{12}$ ]] ||
    fail "SageMakerProjectId must look like p-abcdefghijkl (the id SageMaker gives the project)"
  case "${TERRAFORM_ACTION:-}" in
    apply | destroy) ;;
    *) fail "TerraformAction must be apply or destroy" ;;
  esac
  case "${TERRAFORM_INIT_ACTION:-}" in
    init) init_arguments=(init) ;;
    "init -reconfigure") init_arguments=(init -reconfigure) ;;
    *) fail "TerraformInitAction must be \"init\" or \"init -reconfigure\"" ;;
  esac
  [[ "${TERRAFORM_VERSION}" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "the pinned Terraform version must look like 1.11.4"
  [[ "${TERRAFORM_SHA256}" =~ ^[0-9a-f]{64}$ ]] || fail "the Terraform checksum must be a lowercase hex SHA-256"
  state_key="${TF_STATE_KEY_PREFIX}/${TF_VAR_sagemaker_project_id}/terraform.tfstate"
}

install_terraform() {
  local url="${SMP_TERRAFORM_URL:-https://releases.hashicorp.com/terraform/${TERRAFORM_VERSION}/terraform_${TERRAFORM_VERSION}_linux_amd64.zip}"
  local archive="${work_dir}/terraform.zip" actual reported
  log "downloading ${url}"
  curl --fail --silent --show-error --location --retry 3 --proto-redir '=https' --output "${archive}" "${url}"
  actual="$(sha256sum "${archive}" | cut -d ' ' -f 1)"
  if [ "${actual}" != "${TERRAFORM_SHA256}" ]; then
    fail "SHA-256 mismatch for terraform_${TERRAFORM_VERSION}_linux_amd64.zip: expected ${TERRAFORM_SHA256}, got ${actual}. Not installing it; check commandRunner.terraformVersion and commandRunner.terraformSha256."
  fi
  log "checksum verified (${actual})"
  mkdir -p "${INSTALL_DIR}"
  unzip -o -q "${archive}" terraform -d "${INSTALL_DIR}"
  terraform_bin="${INSTALL_DIR}/terraform"
  reported="$("${terraform_bin}" version)"
  [ "${reported%%$'\n'*}" = "Terraform v${TERRAFORM_VERSION}" ] ||
    fail "the unpacked terraform reports \"${reported%%$'\n'*}\", not Terraform v${TERRAFORM_VERSION}"
}

fetch_code() {
  aws s3 cp "s3://${MLOPS_S3_BUCKET}/${TF_CODE_KEY}" "${work_dir}/tf-code.zip" --region "${AWS_REGION}" --only-show-errors
  mkdir -p "${code_dir}"
  unzip -q "${work_dir}/tf-code.zip" -d "${code_dir}"
  compgen -G "${code_dir}/*.tf.json" > /dev/null || compgen -G "${code_dir}/*.tf" > /dev/null ||
    fail "tf-code.zip holds no Terraform configuration at its root"
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
    "-backend-config=bucket=${MLOPS_S3_BUCKET}"
    "-backend-config=key=${state_key}"
    "-backend-config=region=${AWS_REGION}"
    "-backend-config=dynamodb_table=${TF_STATE_LOCK_TABLE}"
    "-backend-config=encrypt=true"
    "-backend-config=use_lockfile=true"
  )
  if [ -n "${TF_STATE_KMS_KEY_ARN:-}" ]; then
    backend+=("-backend-config=kms_key_id=${TF_STATE_KMS_KEY_ARN}")
  fi
  log "state: s3://${MLOPS_S3_BUCKET}/${state_key} (lock file and DynamoDB table ${TF_STATE_LOCK_TABLE}, encrypted)"
}

run_terraform() {
  # Bash 4.2 (Amazon Linux 2) treats an empty array as unset under `set -u`: one flag, never empty.
  local plan_mode=-destroy=false plan_step="terraform plan"
  if [ "${TERRAFORM_ACTION}" = destroy ]; then
    plan_mode=-destroy
    plan_step="terraform plan -destroy"
  fi

  begin "terraform ${TERRAFORM_INIT_ACTION}"
  "${terraform_bin}" "${init_arguments[@]}" -input=false -no-color "${backend[@]}"

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
  log "project ${TF_VAR_sagemaker_project_name} (${TF_VAR_sagemaker_project_id}): terraform ${TERRAFORM_ACTION}"

  work_dir="$(mktemp -d "${TMPDIR:-/tmp}/run-terraform.XXXXXX")"
  code_dir="${work_dir}/code"

  begin "install terraform ${TERRAFORM_VERSION}"
  install_terraform

  begin "download s3://${MLOPS_S3_BUCKET}/${TF_CODE_KEY}"
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
