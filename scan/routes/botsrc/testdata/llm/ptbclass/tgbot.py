from telegram.ext import ApplicationBuilder, CommandHandler

from helper import Helper


class Bot:
    def __init__(self, token: str, helper: Helper):
        self.token = token
        self.helper = helper

    async def ask(self, update, context):
        await update.message.reply_text(await self.helper.answer(update.message.text))

    async def again(self, update, context):
        await self.ask(update, context)

    async def forget(self, update, context):
        self.helper.forget(update.effective_chat.id)

    def run(self):
        app = ApplicationBuilder().token(self.token).build()
        app.add_handler(CommandHandler("ask", self.ask))  # want-llm
        app.add_handler(CommandHandler("again", self.again))  # want-llm
        app.add_handler(CommandHandler("forget", self.forget))
        app.run_polling()
