import json
import os
import subprocess

import boto3

table = boto3.resource("dynamodb").Table(os.environ["TABLE"])


def lambda_handler(event, context):
    # An API Gateway proxy event: the body and parameters are the caller's.
    body = json.loads(event["body"])
    name = event["pathParameters"]["name"]
    subprocess.run("convert " + body["file"], shell=True)  # want "command-injection"
    with open("/tmp/" + name) as fh:  # want "path-traversal"
        data = fh.read()
    return {"statusCode": 200, "body": data}


def report(event, context):
    # Only constants reach the sinks: nothing to report.
    subprocess.run(["date"], check=True)
    with open("/tmp/report.txt") as fh:
        return {"statusCode": 200, "body": fh.read()}


def helper(event):
    # One parameter named event is not a Lambda handler: a shell line built
    # from a variable is still reported, without a request source.
    subprocess.run("echo " + event, shell=True)  # want "command-injection"
