"""Waiting for a SageMaker Pipeline execution and explaining how it ended.

Plain boto3 (no SageMaker Python SDK): `client` is a boto3 SageMaker client.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any, Callable

LOGGER = logging.getLogger(__name__)

SUCCEEDED = "Succeeded"
FINAL_STATUSES = frozenset({SUCCEEDED, "Failed", "Stopped"})
UNSUCCESSFUL_STEP_STATUSES = frozenset({"Failed", "Stopped"})


@dataclass(frozen=True)
class StepFailure:
    """A step that failed or was stopped, with SageMaker's reason."""

    name: str
    status: str
    reason: str


@dataclass(frozen=True)
class ExecutionOutcome:
    """How an execution ended."""

    execution_arn: str
    status: str
    failure_reason: str = ""
    failed_steps: tuple[StepFailure, ...] = ()

    @property
    def succeeded(self) -> bool:
        return self.status == SUCCEEDED


class ExecutionTimeout(Exception):
    """The execution was still running when the wait ran out."""


class PipelineVersionUnknown(Exception):
    """The version of the pipeline definition just upserted cannot be told."""


def upserted_version(client: Any, pipeline_name: str, upsert_response: dict) -> int:
    """The version the upsert made: UpdatePipeline names it; a pipeline just created has one version only.

    Starting that version, not the latest, keeps two quick pushes from each running the other's
    definition.
    """
    if "PipelineVersionId" in upsert_response:
        return int(upsert_response["PipelineVersionId"])
    if "PipelineVersionId" not in client.meta.service_model.operation_model("StartPipelineExecution").input_shape.members:
        raise PipelineVersionUnknown(
            "this boto3 cannot start a given pipeline version (StartPipelineExecution has no PipelineVersionId): "
            "install a newer boto3, as requirements.txt asks"
        )
    versions = client.list_pipeline_versions(PipelineArn=upsert_response["PipelineArn"], SortOrder="Ascending", MaxResults=1)
    summaries = versions.get("PipelineVersionSummaries", [])
    if not summaries:
        raise PipelineVersionUnknown(f"{pipeline_name} has no versions listed right after it was created")
    return int(summaries[0]["PipelineVersionId"])


def start_version(client: Any, pipeline_name: str, version: int, parameters: dict[str, str], display_name: str | None, description: str | None) -> str:
    """Starts `version` of the pipeline; returns the execution ARN."""
    request: dict[str, Any] = {"PipelineName": pipeline_name, "PipelineVersionId": version}
    if parameters:
        request["PipelineParameters"] = [{"Name": name, "Value": value} for name, value in parameters.items()]
    if display_name:
        request["PipelineExecutionDisplayName"] = display_name
    if description:
        request["PipelineExecutionDescription"] = description
    return client.start_pipeline_execution(**request)["PipelineExecutionArn"]


def wait_for_execution(
    client: Any,
    execution_arn: str,
    *,
    timeout_seconds: float,
    poll_seconds: float = 30.0,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> ExecutionOutcome:
    """Polls until the execution succeeds, fails or is stopped; raises ExecutionTimeout after `timeout_seconds`."""
    deadline = clock() + timeout_seconds
    last_status = ""
    while True:
        description = client.describe_pipeline_execution(PipelineExecutionArn=execution_arn)
        status = description["PipelineExecutionStatus"]
        if status != last_status:
            LOGGER.info("execution status: %s", status)
            last_status = status
        if status in FINAL_STATUSES:
            steps = () if status == SUCCEEDED else unsuccessful_steps(client, execution_arn)
            return ExecutionOutcome(execution_arn, status, description.get("FailureReason", ""), steps)
        if clock() >= deadline:
            raise ExecutionTimeout(
                f"{execution_arn} is still {status} after {timeout_seconds:.0f} s; it keeps running in SageMaker"
            )
        sleep(poll_seconds)


def unsuccessful_steps(client: Any, execution_arn: str) -> tuple[StepFailure, ...]:
    """The steps of the execution that failed or were stopped."""
    pages = client.get_paginator("list_pipeline_execution_steps").paginate(PipelineExecutionArn=execution_arn)
    return tuple(
        StepFailure(step["StepName"], step["StepStatus"], step.get("FailureReason", ""))
        for page in pages
        for step in page["PipelineExecutionSteps"]
        if step["StepStatus"] in UNSUCCESSFUL_STEP_STATUSES
    )


def describe_outcome(outcome: ExecutionOutcome) -> list[str]:
    """Log lines explaining the outcome to a person reading the CI job log."""
    if outcome.succeeded:
        return [f"execution {outcome.execution_arn} succeeded"]
    lines = [f"execution {outcome.execution_arn} ended {outcome.status}: {outcome.failure_reason or 'no reason given'}"]
    lines += [f"  step {step.name} {step.status}: {step.reason or 'no reason given'}" for step in outcome.failed_steps]
    return lines
