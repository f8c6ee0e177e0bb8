#!/usr/bin/env python3
"""A stand-in for the AWS CLI in the runner sandboxes.

`aws s3 cp s3://BUCKET/KEY DEST` copies from $FAKE_S3_ROOT/BUCKET/KEY. Any other
`aws SERVICE OPERATION ... --some-name VALUE` (describe-stacks --stack-name, describe-project
--project-name, describe-provisioned-product --id, ...) answers the JSON file
$FAKE_AWS_FIXTURES/SERVICE/OPERATION/VALUE.json (VALUE with characters other than letters, digits,
'.', '_' and '-' replaced by '_'), or fails as the CLI does for a missing resource. --query (JMESPath)
and --output text|json behave as in the CLI. Every call is appended to $FAKE_AWS_LOG.
"""
import json
import os
import re
import shutil
import sys

import jmespath

GLOBAL_OPTIONS_WITH_VALUE = {"--region", "--output", "--query", "--profile", "--endpoint-url"}


def pascal(operation):
    return "".join(part.capitalize() for part in operation.split("-"))


def text_of(value):
    if value is None:
        return "None"
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, list):
        return "\t".join(text_of(item) for item in value)
    if isinstance(value, dict):
        return "\t".join(text_of(item) for item in value.values())
    return str(value)


def main(argv):
    with open(os.environ["FAKE_AWS_LOG"], "a", encoding="utf-8") as log:
        log.write(" ".join(argv) + "\n")
    options, positional = {}, []
    index = 0
    while index < len(argv):
        word = argv[index]
        if word.startswith("--") and index + 1 < len(argv) and not argv[index + 1].startswith("--"):
            options[word] = argv[index + 1]
            index += 2
        elif word.startswith("--"):
            options[word] = True
            index += 1
        else:
            positional.append(word)
            index += 1
    if len(positional) < 2:
        sys.stderr.write("usage: aws SERVICE OPERATION [options]\n")
        return 2
    service, operation = positional[0], positional[1]

    if (service, operation) == ("s3", "cp"):
        source, target = positional[2], positional[3]
        path = os.path.join(os.environ["FAKE_S3_ROOT"], source[len("s3://"):])
        if not os.path.isfile(path):
            sys.stderr.write("fatal error: An error occurred (404) when calling the HeadObject operation: Key \"%s\" does not exist\n" % source.split("/", 3)[-1])
            return 1
        shutil.copyfile(path, target)
        return 0

    identifiers = [value for name, value in options.items() if name not in GLOBAL_OPTIONS_WITH_VALUE and isinstance(value, str)]
    if not identifiers:
        sys.stderr.write("fake aws: %s %s needs an identifying option\n" % (service, operation))
        return 2
    key = re.sub(r"[^A-Za-z0-9._-]", "_", identifiers[0])
    fixture = os.path.join(os.environ["FAKE_AWS_FIXTURES"], service, operation, key + ".json")
    if not os.path.isfile(fixture):
        sys.stderr.write("\nAn error occurred (ValidationException) when calling the %s operation: %s does not exist\n" % (pascal(operation), identifiers[0]))
        return 254
    with open(fixture, encoding="utf-8") as handle:
        answer = json.load(handle)
    if "--query" in options:
        answer = jmespath.search(options["--query"], answer)
    if options.get("--output") == "text":
        print(text_of(answer))
    else:
        print(json.dumps(answer, indent=4))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
