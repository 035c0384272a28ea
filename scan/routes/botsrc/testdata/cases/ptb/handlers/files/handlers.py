from telegram import Update


def stats(update: Update, context) -> None:
    update.message.reply_text("public stats")
