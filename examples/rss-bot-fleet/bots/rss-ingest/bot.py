"""RSS ingestion bot: polls the feed list, drops items it has already seen,
asks the summarizer for a summary and queues each new item for the rest of
the fleet.

It runs as a long-lived ECS service (see ../../infra/ecs.tf) under the shared
super_bot_admin role. Structured logs go to stdout through python-json-logger,
the logging dependency whose 3.2.x releases carry GHSA-wmxh-pxcx-9w24.
"""

import hashlib
import json
import logging
import os
import time

import boto3
import feedparser
import requests
from pythonjsonlogger.json import JsonFormatter

FEED_LIST_BUCKET = os.environ.get("FEED_LIST_BUCKET", "botfleet-feed-archive")
STATE_TABLE = os.environ.get("STATE_TABLE", "bot-state")
OUTPUT_QUEUE = os.environ["OUTPUT_QUEUE"]
# Internal call over plain HTTP: the "before" state of the fleet.
SUMMARIZER_URL = os.environ.get("SUMMARIZER_URL", "http://summarizer.rss-bot-fleet.internal:8080/summarize")
POLL_SECONDS = int(os.environ.get("POLL_SECONDS", "300"))

log = logging.getLogger("rss-ingest")
_handler = logging.StreamHandler()
_handler.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
log.addHandler(_handler)
log.setLevel(logging.INFO)

s3 = boto3.client("s3")
sqs = boto3.client("sqs")
state = boto3.resource("dynamodb").Table(STATE_TABLE)


def feed_urls():
    """Reads the feed list, one URL per line, from the archive bucket."""
    body = s3.get_object(Bucket=FEED_LIST_BUCKET, Key="feeds.txt")["Body"].read()
    return [line.strip() for line in body.decode().splitlines() if line.strip()]


def item_id(entry):
    key = entry.get("id") or entry.get("link") or entry.get("title", "")
    return hashlib.sha256(key.encode()).hexdigest()


def seen(iid):
    return "Item" in state.get_item(Key={"id": iid})


def summarize(entry):
    resp = requests.post(
        SUMMARIZER_URL,
        json={"title": entry.get("title", ""), "text": entry.get("summary", "")},
        timeout=10,
    )
    resp.raise_for_status()
    return resp.json().get("summary", "")


def poll_once():
    for url in feed_urls():
        feed = feedparser.parse(url)
        if feed.bozo:
            log.warning("feed parse problem", extra={"feed": url, "error": str(feed.bozo_exception)})
        for entry in feed.entries:
            iid = item_id(entry)
            if seen(iid):
                continue
            item = {
                "id": iid,
                "feed": url,
                "title": entry.get("title", ""),
                "link": entry.get("link", ""),
                "summary": summarize(entry),
            }
            sqs.send_message(QueueUrl=OUTPUT_QUEUE, MessageBody=json.dumps(item))
            state.put_item(Item={"id": iid, "feed": url, "at": int(time.time())})
            log.info("queued item", extra={"feed": url, "item": iid})


def main():
    while True:
        try:
            poll_once()
        except Exception:  # keep the service alive; the failure is logged
            log.exception("poll failed")
        time.sleep(POLL_SECONDS)


if __name__ == "__main__":
    main()
