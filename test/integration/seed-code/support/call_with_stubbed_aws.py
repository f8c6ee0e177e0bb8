"""Calls one function of a seed-code module with AWS stubbed at the SDK boundary, for the jest tests.

    python call_with_stubbed_aws.py SCENARIO_JSON

SCENARIO_JSON:
  sys_path  directories put first on sys.path
  module    dotted module name to import
  function  name of the function to call
  args, kwargs
            JSON arguments; {"$client": "<service>"} stands for the stubbed boto3 client of that service
  stubs     {"<service>": [{"method", "expected"?, "response"} | {"method", "error": {"code", "message"}}]}
            where {"$bytes": "<text>"} in "expected" stands for the UTF-8 bytes of the text

`boto3.client(...)` returns the same stubbed clients, so a script's main() can be called too.
The real botocore service models validate every request and every stubbed response.
Prints one JSON line: {"result", "error": {"type", "message"} | null, "exit": <SystemExit code> | null,
"pending": [<services with stubbed responses not consumed>]}.
"""
from __future__ import annotations

import argparse
import dataclasses
import importlib
import io
import json
import logging
import sys
from pathlib import PurePath
from typing import Any

import boto3
from botocore.response import StreamingBody
from botocore.stub import Stubber


def streaming(client: Any, method: str, response: dict) -> dict:
    """Wraps the payload of a streaming response member (e.g. invoke_endpoint's Body) in a StreamingBody."""
    operation = client.meta.service_model.operation_model(client.meta.method_to_api_mapping[method])
    member = operation.output_shape.serialization.get("payload") if operation.output_shape else None
    if member and isinstance(response.get(member), str):
        data = response[member].encode()
        return {**response, member: StreamingBody(io.BytesIO(data), len(data))}
    return response


def substitute(value: Any, clients: dict[str, Any]) -> Any:
    """The scenario's markers replaced, in nested dicts and lists: {"$bytes": text} by its UTF-8
    bytes, {"$client": service} by the stubbed client of that service."""
    if isinstance(value, dict) and set(value) == {"$bytes"}:
        return value["$bytes"].encode()
    if isinstance(value, dict) and set(value) == {"$client"}:
        return clients[value["$client"]]
    if isinstance(value, dict):
        return {key: substitute(item, clients) for key, item in value.items()}
    if isinstance(value, list):
        return [substitute(item, clients) for item in value]
    return value


def stubbed_clients(stubs: dict[str, list[dict]]) -> tuple[dict[str, Any], dict[str, Stubber]]:
    session = boto3.Session(aws_access_key_id="AKIASTUBBED", aws_secret_access_key="stubbed", region_name="us-east-1")
    clients, stubbers = {}, {}
    for service, calls in stubs.items():
        client = session.client(service)
        stubber = Stubber(client)
        for call in calls:
            if "error" in call:
                stubber.add_client_error(
                    call["method"],
                    service_error_code=call["error"]["code"],
                    service_message=call["error"]["message"],
                    http_status_code=call["error"].get("status", 400),
                    expected_params=substitute(call.get("expected"), clients),
                )
            else:
                stubber.add_response(
                    call["method"], streaming(client, call["method"], call["response"]), substitute(call.get("expected"), clients)
                )
        stubber.activate()
        clients[service], stubbers[service] = client, stubber
    return clients, stubbers


def to_json(value: Any) -> Any:
    if dataclasses.is_dataclass(value):
        return to_json(dataclasses.asdict(value))
    if isinstance(value, argparse.Namespace):
        return to_json(vars(value))
    if isinstance(value, PurePath):
        return str(value)
    if isinstance(value, dict):
        return {key: to_json(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(item) for item in value]
    return value


def main() -> None:
    scenario = json.loads(sys.argv[1])
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    sys.path[:0] = scenario.get("sys_path", [])
    clients, stubbers = stubbed_clients(scenario.get("stubs", {}))
    boto3.client = lambda service, *args, **kwargs: clients[service]
    function = getattr(importlib.import_module(scenario["module"]), scenario["function"])
    outcome: dict[str, Any] = {"result": None, "error": None, "exit": None}
    try:
        outcome["result"] = to_json(
            function(*substitute(scenario.get("args", []), clients), **substitute(scenario.get("kwargs", {}), clients))
        )
    except SystemExit as exit_:
        outcome["exit"] = exit_.code
    except Exception as error:  # the test asserts on the type and message
        outcome["error"] = {"type": type(error).__name__, "message": str(error)}
    outcome["pending"] = [service for service, stubber in stubbers.items() if has_pending(stubber)]
    print(json.dumps(outcome))


def has_pending(stubber: Stubber) -> bool:
    try:
        stubber.assert_no_pending_responses()
    except AssertionError:
        return True
    return False


if __name__ == "__main__":
    main()
