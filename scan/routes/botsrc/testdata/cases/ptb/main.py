import os

from telegram import Update
from telegram.ext import Application, CommandHandler, MessageHandler, CallbackQueryHandler, filters

ADMINS = [1, 2]
TOKEN = os.environ["TOKEN"]


def restricted(func):
    async def wrapped(update, context):
        if update.effective_user.id not in ADMINS:
            return
        return await func(update, context)
    return wrapped


async def start(update: Update, context):
    await update.message.reply_text("hi")


@restricted
async def broadcast(update: Update, context):
    pass


async def stats(update: Update, context):
    if update.effective_user.id in ADMINS:
        await update.message.reply_text("stats")


async def echo(update, context):
    await update.message.reply_text(update.message.text)


async def button(update, context):
    pass


async def reboot(update, context):
    pass


def main():
    app = Application.builder().token(TOKEN).build()
    app.add_handler(CommandHandler("start", start))  # want: bot-command COMMAND /start []
    app.add_handler(CommandHandler(["help", "h"], start))  # want: bot-command COMMAND /help []; bot-command COMMAND /h []
    app.add_handler(CommandHandler("broadcast", broadcast))  # want: bot-command COMMAND /broadcast [permission]
    app.add_handler(CommandHandler("stats", stats))  # want: bot-command COMMAND /stats [permission]
    app.add_handler(CommandHandler("reboot", reboot, filters=filters.User(user_id=ADMINS)))  # want: bot-command COMMAND /reboot [permission]
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))  # want: bot-command MESSAGE /message/echo []
    app.add_handler(CallbackQueryHandler(button))  # want: bot-command CALLBACK /callback/button []
    for name in ("a", "b"):
        app.add_handler(CommandHandler(name, start))  # want-unresolved
    app.job_queue.run_repeating(cleanup, interval=60)  # want: cron SCHEDULE cleanup []
    app.run_webhook(listen="0.0.0.0", port=8443, url_path="bot", webhook_url="https://example.org/bot")  # want: bot-webhook POST /bot []


def other():
    app = Application.builder().token(TOKEN).build()
    app.run_webhook(listen="0.0.0.0", port=8443, secret_token=os.environ["SECRET"])  # want: bot-webhook POST / [signature]
