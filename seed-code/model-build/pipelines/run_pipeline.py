"""Creates or updates this project's SageMaker Pipeline, starts it, and waits for the result.

GitLab CI runs it on every push to the default branch (see .gitlab-ci.yml). From a terminal with
AWS credentials, run it with the values of the project's CI/CD variables:

    python -m pipelines.run_pipeline --region us-east-1 --role-arn arn:aws:iam::...:role/... \\
        --artifact-bucket <platform prefix>-p-... --project-name NAME --project-id p-...

Exit status: 0 when the execution succeeded; 1 when it failed, was stopped, or was still running
when --timeout-minutes ran out; 2 for invalid arguments.
"""
from __future__ import annotations

import argparse
import logging
import re
import sys
from typing import Callable

import boto3

from pipelines.execution import ExecutionTimeout, PipelineVersionUnknown, describe_outcome, start_version, upserted_version, wait_for_execution

LOGGER = logging.getLogger("run_pipeline")

PROJECT_NAME = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,31}$")
PROJECT_ID = re.compile(r"^p-[a-z0-9]{12}$")
ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+$")
BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
REGION = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$")
S3_URL = re.compile(r"^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/.+$")


def matching(pattern: re.Pattern, variable: str) -> Callable[[str], str]:
    """An argparse type that accepts values matching `pattern` and names the CI/CD variable to fix."""

    def check(value: str) -> str:
        if not pattern.match(value):
            raise argparse.ArgumentTypeError(f"{value!r} does not match {pattern.pattern}: check the CI/CD variable {variable}")
        return value

    return check


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--region", required=True, type=matching(REGION, "AWS_REGION"))
    parser.add_argument("--role-arn", required=True, type=matching(ROLE_ARN, "SAGEMAKER_PIPELINE_ROLE_ARN"), help="role the pipeline's jobs run as")
    parser.add_argument("--artifact-bucket", required=True, type=matching(BUCKET, "ARTIFACT_BUCKET"))
    parser.add_argument("--project-name", required=True, type=matching(PROJECT_NAME, "SAGEMAKER_PROJECT_NAME"))
    parser.add_argument("--project-id", required=True, type=matching(PROJECT_ID, "SAGEMAKER_PROJECT_ID"))
    parser.add_argument("--model-package-group", help="default: <project name>-<project id> (MODEL_PACKAGE_GROUP_NAME)")
    parser.add_argument("--pipeline-name", help="default: <project name>-<project id>")
    parser.add_argument("--input-data-url", type=matching(S3_URL, "InputDataUrl"), help="default: the pipeline's InputDataUrl parameter")
    parser.add_argument("--execution-display-name", help="shown in Studio, e.g. gitlab-<pipeline id>")
    parser.add_argument("--execution-description", default="", help="e.g. the commit and the CI pipeline URL")
    parser.add_argument("--timeout-minutes", type=float, default=150.0)
    parser.add_argument("--poll-seconds", type=float, default=60.0)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    args = parse_args(argv)
    # Imported after the arguments are checked: the SDK takes seconds to load and is not needed to reject them.
    from pipelines.pipeline import ProjectContext, build_pipeline

    default_name = f"{args.project_name}-{args.project_id}"
    project = ProjectContext(
        region=args.region,
        role_arn=args.role_arn,
        artifact_bucket=args.artifact_bucket,
        model_package_group=args.model_package_group or default_name,
        pipeline_name=args.pipeline_name or default_name,
        project_id=args.project_id,
    )
    boto_session = boto3.Session(region_name=args.region)
    client = boto_session.client("sagemaker")
    pipeline = build_pipeline(project, boto_session)
    upserted = pipeline.upsert(
        role_arn=project.role_arn,
        description=f"Model build pipeline of SageMaker project {args.project_name}",
        # The project name and id make Studio show the pipeline under the SageMaker project.
        tags=[{"Key": "sagemaker:project-name", "Value": args.project_name}, *project.job_tags],
    )
    try:
        version = upserted_version(client, project.pipeline_name, upserted)
    except PipelineVersionUnknown as unknown:
        LOGGER.error("%s", unknown)
        return 1
    LOGGER.info("pipeline %s is up to date: version %d", project.pipeline_name, version)
    execution_arn = start_version(
        client,
        project.pipeline_name,
        version,
        {"InputDataUrl": args.input_data_url} if args.input_data_url else {},
        args.execution_display_name,
        args.execution_description or None,
    )
    LOGGER.info("started %s (version %d); follow it in Studio under Pipelines > %s", execution_arn, version, project.pipeline_name)
    try:
        outcome = wait_for_execution(
            client,
            execution_arn,
            timeout_seconds=args.timeout_minutes * 60,
            poll_seconds=args.poll_seconds,
        )
    except ExecutionTimeout as timeout:
        LOGGER.error("%s", timeout)
        return 1
    for line in describe_outcome(outcome):
        (LOGGER.info if outcome.succeeded else LOGGER.error)("%s", line)
    return 0 if outcome.succeeded else 1


if __name__ == "__main__":
    sys.exit(main())
