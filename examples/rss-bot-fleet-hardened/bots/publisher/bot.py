"""Publisher bot: a Lambda function fed by the items queue that posts each
summarised item to the fleet's chat channels.
"""

import json
import os

from slack_poster import SlackPoster

poster = SlackPoster(token=os.environ["SLACK_BOT_TOKEN"], channel=os.environ.get("SLACK_CHANNEL", "#feeds"))


def handler(event, context):
    posted = 0
    for record in event.get("Records", []):
        item = json.loads(record["body"])
        text = f"*{item['title']}*\n{item['summary']}\n<{item['link']}>"
        poster.post(text)
        posted += 1
    return {"posted": posted}
