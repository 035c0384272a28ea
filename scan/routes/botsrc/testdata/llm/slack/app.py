from openai import OpenAI
from slack_bolt import App

app = App(process_before_response=True)
client = OpenAI()


def just_ack(ack):
    ack()


def reply_in_thread(event, say):
    answer = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": event["text"]}])
    say(answer.choices[0].message.content)


def log_reaction(event, logger):
    logger.info(event)


def register(app: App):
    app.event("app_mention")(ack=just_ack, lazy=[reply_in_thread])  # want-llm
    app.event("reaction_added")(ack=just_ack, lazy=[log_reaction])
