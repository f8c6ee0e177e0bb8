#!/usr/bin/python3
"""A stand-in for the AWS CLI in the runner's sandbox: answers the calls run-terraform.sh and the
bootstrap make from files, evaluates `--query` with jmespath (the library the AWS CLI uses) and
prints `--output text` as the CLI does. Every call is appended to $FAKE_AWS_LOG.

    $FAKE_S3_ROOT/<bucket>/<key>                      current objects
    $FAKE_S3_ROOT/.versions/<bucket>/<key>/<version>  versions kept by versioning (newest = highest name)
    $FAKE_AWS_DIR/stacks.json     {"<stack arn>": {"Tags": [...]}}
    $FAKE_AWS_DIR/projects.json   {"<project name>": {"ProjectId": ..., "ServiceCatalogProvisionedProductDetails": {...}}}
"""
import json
import os
import shutil
import sys

import jmespath


def fail(message, code=254):
    print(message, file=sys.stderr)
    sys.exit(code)


def option(args, name, default=None):
    return args[args.index(name) + 1] if name in args else default


def positional(args):
    """Arguments that are neither options nor option values."""
    values, skip = [], False
    for arg in args:
        if skip:
            skip = False
        elif arg.startswith("--"):
            skip = True
        else:
            values.append(arg)
    return values


def text(value):
    if value is None:
        return "None"
    if isinstance(value, list):
        return "\t".join(text(item) for item in value)
    return str(value)


def emit(args, document):
    query = option(args, "--query")
    result = jmespath.search(query, document) if query else document
    print(text(result) if option(args, "--output") == "text" else json.dumps(result))


def load(name):
    path = os.path.join(os.environ["FAKE_AWS_DIR"], name)
    return json.load(open(path)) if os.path.exists(path) else {}


def main(argv):
    with open(os.environ["FAKE_AWS_LOG"], "a") as log:
        log.write(" ".join(argv) + "\n")
    service, operation, args = argv[0], argv[1], argv[2:]
    s3 = os.environ.get("FAKE_S3_ROOT", "")
    if (service, operation) == ("s3api", "get-object"):
        bucket, key, version = option(args, "--bucket"), option(args, "--key"), option(args, "--version-id")
        source = os.path.join(s3, ".versions", bucket, key, version) if version else os.path.join(s3, bucket, key)
        if not os.path.isfile(source):
            fail("An error occurred (NoSuchKey) when calling the GetObject operation: The specified key does not exist.")
        shutil.copyfile(source, positional(args)[0])
        print(json.dumps({"ContentType": "binary/octet-stream", "VersionId": version or "current"}))
    elif (service, operation) == ("s3api", "list-object-versions"):
        bucket, prefix = option(args, "--bucket"), option(args, "--prefix")
        kept = os.path.join(s3, ".versions", bucket, prefix)
        versions = sorted(os.listdir(kept), reverse=True) if os.path.isdir(kept) else []
        emit(args, {"Versions": [{"Key": prefix, "VersionId": version} for version in versions]} if versions else {})
    elif (service, operation) == ("cloudformation", "describe-stacks"):
        stack_id = option(args, "--stack-name")
        stack = load("stacks.json").get(stack_id)
        if stack is None:
            fail(f"An error occurred (ValidationError) when calling the DescribeStacks operation: Stack with id {stack_id} does not exist")
        emit(args, {"Stacks": [{"StackId": stack_id, **stack}]})
    elif (service, operation) == ("sagemaker", "describe-project"):
        name = option(args, "--project-name")
        project = load("projects.json").get(name)
        if project is None:
            fail(f"An error occurred (ValidationException) when calling the DescribeProject operation: Project {name} does not exist.")
        emit(args, {"ProjectName": name, **project})
    else:
        fail(f"fake aws: {service} {operation} is not supported", 2)


if __name__ == "__main__":
    main(sys.argv[1:])
