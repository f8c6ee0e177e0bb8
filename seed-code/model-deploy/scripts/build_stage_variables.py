"""Resolves the model package to deploy and writes the Terraform variables of every stage.

The deploy pipeline's build job runs it once, so staging and prod deploy the same model package:

    python scripts/build_stage_variables.py --region us-east-1 --model-package-group NAME-p-... \\
        --model-package-arn "$MODEL_PACKAGE_ARN" ... --output-dir build staging prod

The model package is MODEL_PACKAGE_ARN when the pipeline was given one (the deploy trigger passes
the package just approved), else the latest approved package of the project's model group. It
must be approved, belong to that group, and support every stage's instance type.

Writes <output-dir>/<stage>.tfvars.json from <stage>-config.json for each stage named.
Exit status: 0 on success; 1 when a config file, the model package or AWS says no.
"""
from __future__ import annotations

import argparse
import json
import logging
import re
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

LOGGER = logging.getLogger("build_stage_variables")

REPOSITORY_ROOT = Path(__file__).resolve().parent.parent
STAGES = ("staging", "prod")
MODEL_PACKAGE_ARN = re.compile(
    r"^arn:aws[a-z-]*:sagemaker:(?P<region>[a-z0-9-]+):\d{12}:model-package/"
    r"(?P<group>[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62})/(?P<version>\d+)$"
)
INSTANCE_TYPE = re.compile(r"^ml\.[a-z0-9]+\.[a-z0-9]+$")


class DeployInputError(ValueError):
    """An input (config file, model package, argument) cannot be deployed; the message says how to fix it."""


@dataclass(frozen=True)
class StageConfig:
    """The settings of one stage, from <stage>-config.json."""

    instance_type: str
    instance_count: int
    data_capture_sampling_percentage: int


@dataclass(frozen=True)
class ModelPackage:
    """An approved model package and what it can be deployed on."""

    arn: str
    group: str
    version: int
    supported_instance_types: tuple[str, ...]


# Key -> (type, check, what a valid value looks like).
CONFIG_FIELDS = {
    "instance_type": (str, lambda value: bool(INSTANCE_TYPE.match(value)), "a SageMaker instance type such as ml.m5.large"),
    "instance_count": (int, lambda value: 1 <= value <= 10, "a whole number from 1 to 10"),
    "data_capture_sampling_percentage": (int, lambda value: 1 <= value <= 100, "a whole number from 1 to 100"),
}


def load_stage_config(path: Path) -> StageConfig:
    """Reads and checks one stage's config file; every problem is named with the file and the key."""
    try:
        raw = json.loads(path.read_text())
    except FileNotFoundError:
        raise DeployInputError(f"{path.name} is missing: every stage needs its <stage>-config.json") from None
    except json.JSONDecodeError as error:
        raise DeployInputError(f"{path.name} is not valid JSON: {error}") from None
    if not isinstance(raw, dict):
        raise DeployInputError(f"{path.name} must hold a JSON object with the keys {', '.join(CONFIG_FIELDS)}")
    problems = [f"unknown key {key!r}" for key in raw if key not in CONFIG_FIELDS]
    for key, (kind, check, expected) in CONFIG_FIELDS.items():
        value = raw.get(key)
        # bool is an int in Python; true/false is never a valid count.
        if not isinstance(value, kind) or isinstance(value, bool) or not check(value):
            problems.append(f"{key} = {json.dumps(value)} must be {expected}")
    if problems:
        raise DeployInputError(f"{path.name}: " + "; ".join(problems))
    return StageConfig(**raw)


def load_stage_configs(config_dir: Path, stages: list[str]) -> dict[str, StageConfig]:
    """Every stage's config; the problems of all files are reported together."""
    configs, problems = {}, []
    for stage in stages:
        try:
            configs[stage] = load_stage_config(config_dir / f"{stage}-config.json")
        except DeployInputError as error:
            problems.append(str(error))
    if problems:
        raise DeployInputError("\n".join(problems))
    return configs


def check_model_package_arn(arn: str, region: str, group: str) -> None:
    """Rejects an ARN that is malformed, from another region, or from another model package group."""
    match = MODEL_PACKAGE_ARN.match(arn)
    if not match:
        raise DeployInputError(
            f"MODEL_PACKAGE_ARN {arn!r} is not a versioned model package ARN "
            "(arn:aws:sagemaker:<region>:<account>:model-package/<group>/<version>)"
        )
    if match["region"] != region:
        raise DeployInputError(f"MODEL_PACKAGE_ARN {arn} is in {match['region']}; this project deploys in {region}")
    if match["group"] != group:
        raise DeployInputError(f"MODEL_PACKAGE_ARN {arn} belongs to model group {match['group']}, not to this project's {group}")


def resolve_model_package(client: Any, region: str, group: str, requested_arn: str = "") -> ModelPackage:
    """The requested model package, or the latest approved one of `group`; it must be approved."""
    if requested_arn:
        check_model_package_arn(requested_arn, region, group)
        arn = requested_arn
    else:
        latest = client.list_model_packages(
            ModelPackageGroupName=group,
            ModelApprovalStatus="Approved",
            SortBy="CreationTime",
            SortOrder="Descending",
            MaxResults=1,
        )["ModelPackageSummaryList"]
        if not latest:
            raise DeployInputError(
                f"model group {group} has no approved model package: approve one in Studio "
                "(Models > Model registry), or run this pipeline with MODEL_PACKAGE_ARN"
            )
        arn = latest[0]["ModelPackageArn"]
    description = client.describe_model_package(ModelPackageName=arn)
    status = description["ModelApprovalStatus"]
    if status != "Approved":
        raise DeployInputError(f"model package {arn} is {status}: approve it in Studio before deploying it")
    if description.get("ModelPackageGroupName") != group:
        raise DeployInputError(f"model package {arn} does not belong to this project's model group {group}")
    supported = description.get("InferenceSpecification", {}).get("SupportedRealtimeInferenceInstanceTypes", [])
    return ModelPackage(arn, group, description["ModelPackageVersion"], tuple(supported))


def check_instance_type(stage: str, config: StageConfig, package: ModelPackage) -> None:
    """The stage's instance type must be one the model package was registered for."""
    if package.supported_instance_types and config.instance_type not in package.supported_instance_types:
        raise DeployInputError(
            f"{stage}-config.json instance_type {config.instance_type} is not supported by {package.arn}; "
            f"pick one of {', '.join(package.supported_instance_types)}"
        )


def stage_variables(stage: str, config: StageConfig, package: ModelPackage, args: argparse.Namespace) -> dict:
    """The Terraform variables of one stage (terraform/variables.tf)."""
    return {
        "region": args.region,
        "sagemaker_project_name": args.project_name,
        "sagemaker_project_id": args.project_id,
        "stage": stage,
        "artifact_bucket": args.artifact_bucket,
        "model_package_arn": package.arn,
        "execution_role_arn": args.execution_role_arn,
        **asdict(config),
    }


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--region", required=True, help="AWS_REGION")
    parser.add_argument("--model-package-group", required=True, help="MODEL_PACKAGE_GROUP_NAME")
    parser.add_argument("--model-package-arn", default="", help="MODEL_PACKAGE_ARN; empty = latest approved")
    parser.add_argument("--project-name", required=True, help="SAGEMAKER_PROJECT_NAME")
    parser.add_argument("--project-id", required=True, help="SAGEMAKER_PROJECT_ID")
    parser.add_argument("--artifact-bucket", required=True, help="ARTIFACT_BUCKET")
    parser.add_argument("--execution-role-arn", required=True, help="SAGEMAKER_PIPELINE_ROLE_ARN")
    parser.add_argument("--config-dir", type=Path, default=REPOSITORY_ROOT, help="where <stage>-config.json live")
    parser.add_argument("--output-dir", type=Path, default=Path("build"))
    parser.add_argument("stages", nargs="+", choices=STAGES)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    args = parse_args(argv)
    try:
        configs = load_stage_configs(args.config_dir, args.stages)
        client = boto3.client("sagemaker", region_name=args.region)
        package = resolve_model_package(client, args.region, args.model_package_group, args.model_package_arn.strip())
        for stage, config in configs.items():
            check_instance_type(stage, config, package)
    except DeployInputError as error:
        LOGGER.error("%s", error)
        return 1
    except (ClientError, BotoCoreError) as error:
        LOGGER.error("AWS refused to describe the model package: %s", error)
        return 1
    LOGGER.info("deploying %s (version %d of %s)", package.arn, package.version, package.group)
    args.output_dir.mkdir(parents=True, exist_ok=True)
    for stage, config in configs.items():
        path = args.output_dir / f"{stage}.tfvars.json"
        path.write_text(json.dumps(stage_variables(stage, config, package, args), indent=2) + "\n")
        LOGGER.info("wrote %s", path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
