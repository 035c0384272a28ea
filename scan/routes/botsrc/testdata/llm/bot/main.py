from telegram.ext import Application, CommandHandler, MessageHandler, filters

import llm_client
from storage import save_note


async def start(update, context):
    await update.message.reply_text("hello")


async def answer(update, context):
    text = await _reply(update.message.text)
    await update.message.reply_text(text)


async def _reply(text):
    return await llm_client.ask(text)


async def note(update, context):
    save_note(update.effective_user.id, update.message.text)


def main():
    app = Application.builder().token("x").build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, answer))  # want-llm
    app.add_handler(CommandHandler("note", note))
    app.run_polling()
