"""Claims the approval this deploy pipeline was started for, so that one approval deploys once.

The deploy pipeline's first job runs it:

    python scripts/claim_deploy.py

The project's deploy trigger starts this pipeline with MODEL_PACKAGE_ARN and DEPLOY_REQUEST_ID,
after writing a record for the package to the project's DynamoDB table (DEPLOY_RECORDS_TABLE).
GitLab may start a pipeline twice for one approval (the trigger's call timed out, then was tried
again); this step lets exactly one of them deploy: the one whose DEPLOY_REQUEST_ID the record still
holds, and only if no other pipeline claimed the record first. Every other pipeline stops here,
before deploying anything, saying why.

A pipeline a person starts with "Run pipeline" has no DEPLOY_REQUEST_ID: it is that person's
explicit choice, so it passes without a claim.

Environment: DEPLOY_RECORDS_TABLE, MODEL_PACKAGE_ARN, DEPLOY_REQUEST_ID, CI_PIPELINE_ID,
CI_PIPELINE_URL, AWS_REGION (and AWS_ENDPOINT_URL_DYNAMODB, if set).
Exit status: 0 when the pipeline may deploy; 1 when it must not (claim refused, or an error).
"""
from __future__ import annotations

import logging
import os
import sys
from datetime import datetime, timezone
from typing import Any, Mapping

import boto3
from botocore.exceptions import BotoCoreError, ClientError

LOGGER = logging.getLogger("claim_deploy")

# The record's attribute names: contract/deploy-records.ts of the sagemaker-project app.
PARTITION_KEY = "ModelPackageArn"
REQUEST_ID = "RequestId"
SUPERSEDED_REQUEST_IDS = "SupersededRequestIds"
PIPELINE_ID = "PipelineId"
PIPELINE_URL = "PipelineUrl"
CLAIMED_PIPELINE_ID = "ClaimedPipelineId"
CLAIMED_AT = "ClaimedAt"


class ClaimRefused(Exception):
    """This pipeline must not deploy; the message says why."""


def explain_refusal(item: Mapping[str, Any] | None, request_id: str, pipeline_id: str) -> str:
    """Why the record did not accept this pipeline's claim, from the record as it is now."""
    if item is None:
        return (
            "there is no deploy record for this model package: the deploy trigger released it after a failure, "
            "or it expired; this pipeline was not the one chosen to deploy"
        )
    claimed = item.get(CLAIMED_PIPELINE_ID, {}).get("N")
    url = item.get(PIPELINE_URL, {}).get("S", "")
    if claimed and claimed != pipeline_id:
        return f"pipeline {claimed} already claimed this approval ({url}); it deploys this model package, not this pipeline"
    if request_id in item.get(SUPERSEDED_REQUEST_IDS, {}).get("SS", []):
        current = item.get(REQUEST_ID, {}).get("S", "?")
        return (
            f"this pipeline's request {request_id} was superseded by request {current}: the deploy trigger could not tell "
            "whether this pipeline had started and started another one, which deploys instead"
        )
    return f"the record names request {item.get(REQUEST_ID, {}).get('S', '?')}, not this pipeline's {request_id}"


def claim(client: Any, table: str, model_package_arn: str, request_id: str, pipeline_id: str, pipeline_url: str) -> None:
    """Writes this pipeline into the record, if the record still holds its request id and no other pipeline claimed it."""
    key = {PARTITION_KEY: {"S": model_package_arn}}
    try:
        client.update_item(
            TableName=table,
            Key=key,
            ConditionExpression="#request = :request AND (attribute_not_exists(#claimed) OR #claimed = :pipeline)",
            UpdateExpression="SET #claimed = :pipeline, #pipeline = :pipeline, #url = :url, #at = :at",
            ExpressionAttributeNames={
                "#request": REQUEST_ID,
                "#claimed": CLAIMED_PIPELINE_ID,
                "#pipeline": PIPELINE_ID,
                "#url": PIPELINE_URL,
                "#at": CLAIMED_AT,
            },
            ExpressionAttributeValues={
                ":request": {"S": request_id},
                ":pipeline": {"N": pipeline_id},
                ":url": {"S": pipeline_url},
                ":at": {"S": datetime.now(timezone.utc).isoformat()},
            },
        )
    except ClientError as error:
        if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise
        # DynamoDB returns the item with a failed condition only on request (and not every server does): read it.
        item = client.get_item(TableName=table, Key=key, ConsistentRead=True).get("Item")
        raise ClaimRefused(explain_refusal(item, request_id, pipeline_id)) from None


def main(env: Mapping[str, str] = os.environ) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    request_id = env.get("DEPLOY_REQUEST_ID", "").strip()
    model_package_arn = env.get("MODEL_PACKAGE_ARN", "").strip()
    if not request_id:
        LOGGER.info(
            "no DEPLOY_REQUEST_ID: this pipeline was started by a person (Run pipeline), not by the deploy trigger; "
            "nothing to claim, it deploys %s",
            model_package_arn or "the latest approved model package",
        )
        return 0
    missing = [name for name in ("DEPLOY_RECORDS_TABLE", "MODEL_PACKAGE_ARN", "CI_PIPELINE_ID", "CI_PIPELINE_URL", "AWS_REGION") if not env.get(name, "").strip()]
    if missing:
        LOGGER.error("DEPLOY_REQUEST_ID is set but %s %s not: check the project's CI/CD variables", ", ".join(missing), "is" if len(missing) == 1 else "are")
        return 1
    client = boto3.client("dynamodb", region_name=env["AWS_REGION"], endpoint_url=env.get("AWS_ENDPOINT_URL_DYNAMODB") or None)
    pipeline_id = env["CI_PIPELINE_ID"].strip()
    try:
        claim(client, env["DEPLOY_RECORDS_TABLE"].strip(), model_package_arn, request_id, pipeline_id, env["CI_PIPELINE_URL"].strip())
    except ClaimRefused as refusal:
        LOGGER.error("this pipeline does not deploy %s: %s", model_package_arn, refusal)
        return 1
    except (ClientError, BotoCoreError) as error:
        LOGGER.error("could not claim the deploy record in %s: %s", env["DEPLOY_RECORDS_TABLE"], error)
        return 1
    LOGGER.info("pipeline %s claimed the approval of %s (request %s): it deploys it", pipeline_id, model_package_arn, request_id)
    return 0


if __name__ == "__main__":
    sys.exit(main())
