import os

from slack_bolt import App

app = App(token=os.environ["SLACK_BOT_TOKEN"])  # want: bot-webhook POST /slack/events [signature]


@app.command("/deploy")  # want: bot-command COMMAND /deploy []
def deploy(ack, body):
    ack()


@app.event("app_mention")  # want: bot-command EVENT /app_mention []
def mention(event, say):
    say("hi")


@app.action("approve")  # want: bot-command CALLBACK /approve []
def approve(ack):
    ack()


@app.message("hello")  # want: bot-command MESSAGE /message/hello_back []
def hello_back(message, say):
    say("hello")


def register(app: App):
    app.shortcut("open_modal")(open_modal)  # want: bot-command CALLBACK /open_modal []
    app.command("/sample-command")(sample)  # want: bot-command COMMAND /sample-command []


def register_lazy(app: App):
    app.event("member_joined_channel")(ack=just_ack, lazy=[welcome])  # want: bot-command EVENT /member_joined_channel []
