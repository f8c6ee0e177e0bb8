"""Invokes a deployed endpoint with sample records and fails unless it answers one number per record.

The deploy pipeline's deploy-and-test-staging job runs it against the staging endpoint before anyone can
promote the model to prod:

    python scripts/check_endpoint.py --region us-east-1 --terraform-outputs build/staging-outputs.json

Exit status: 0 when every record got a finite prediction; 1 otherwise (the log says why).
"""
from __future__ import annotations

import argparse
import json
import logging
import math
import sys
from pathlib import Path
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

LOGGER = logging.getLogger("check_endpoint")

DEFAULT_SAMPLE = Path(__file__).resolve().parent / "sample-records.csv"


class EndpointCheckError(Exception):
    """The endpoint cannot be checked or answered wrongly; the message says how."""


def endpoint_name_from_outputs(path: Path) -> str:
    """The `endpoint_name` output of `terraform output -json`."""
    try:
        return json.loads(path.read_text())["endpoint_name"]["value"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise EndpointCheckError(f"{path} holds no endpoint_name output ({error}): did the deploy job run?") from None


def read_records(path: Path) -> list[str]:
    """The non-empty lines of the sample file: one CSV record of features each, no label."""
    records = [line.strip() for line in path.read_text().splitlines() if line.strip()]
    if not records:
        raise EndpointCheckError(f"{path} holds no record")
    return records


def parse_predictions(body: str) -> list[float]:
    """Numbers of a text/csv response (comma- or newline-separated)."""
    fields = [field.strip() for field in body.replace("\n", ",").split(",") if field.strip()]
    try:
        predictions = [float(field) for field in fields]
    except ValueError:
        raise EndpointCheckError(f"the endpoint answered {body[:200]!r}, not numbers") from None
    if not all(math.isfinite(value) for value in predictions):
        raise EndpointCheckError(f"the endpoint answered non-finite predictions: {predictions}")
    return predictions


def invoke(runtime: Any, endpoint_name: str, records: list[str]) -> list[float]:
    """One prediction per record, or EndpointCheckError."""
    try:
        response = runtime.invoke_endpoint(
            EndpointName=endpoint_name,
            ContentType="text/csv",
            Accept="text/csv",
            Body="\n".join(records).encode(),
        )
    except (ClientError, BotoCoreError) as error:
        raise EndpointCheckError(f"invoking {endpoint_name} failed: {error}") from None
    predictions = parse_predictions(response["Body"].read().decode())
    if len(predictions) != len(records):
        raise EndpointCheckError(f"{endpoint_name} answered {len(predictions)} predictions for {len(records)} records")
    return predictions


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--region", required=True, help="AWS_REGION")
    parser.add_argument("--terraform-outputs", type=Path, required=True, help="`terraform output -json` of the stage")
    parser.add_argument("--sample", type=Path, default=DEFAULT_SAMPLE, help="CSV records to send")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    args = parse_args(argv)
    try:
        endpoint_name = endpoint_name_from_outputs(args.terraform_outputs)
        records = read_records(args.sample)
        predictions = invoke(boto3.client("sagemaker-runtime", region_name=args.region), endpoint_name, records)
    except EndpointCheckError as error:
        LOGGER.error("%s", error)
        return 1
    for record, prediction in zip(records, predictions):
        LOGGER.info("%s -> %.3f", record, prediction)
    LOGGER.info("%s answered all %d records", endpoint_name, len(records))
    return 0


if __name__ == "__main__":
    sys.exit(main())
