from telegram.ext import Application, ChatJoinRequestHandler, CommandHandler, MessageHandler, filters

from util import admin_check, rate_limit

ERROR_CHAT = -100


@rate_limit
async def rules(update, context):
    await update.message.reply_text("rules")


async def say_potato(update, context):
    if not await admin_check(context.chat_data, update.effective_chat, update.effective_user):
        await update.message.reply_text("admins only")
        return
    await update.message.reply_text("potato")


async def stop(update, context):
    pass


async def sandwich(update, context):
    pass


async def join(update, context):
    pass


def main(app: Application):
    app.add_handler(CommandHandler("rules", rules))  # want: bot-command COMMAND /rules [rate-limit]
    app.add_handler(CommandHandler("say_potato", say_potato, filters=filters.Chat(username=["group"])))  # want: bot-command COMMAND /say_potato [permission]
    app.add_handler(MessageHandler(filters.Chat(chat_id=ERROR_CHAT), stop))  # want: bot-command MESSAGE /message/stop []
    app.add_handler(MessageHandler(filters.Regex(r"(sudo )?make me a sandwich"), sandwich))  # want: bot-command MESSAGE /message/sandwich []
    app.add_handler(ChatJoinRequestHandler(callback=join))  # want: bot-command EVENT /chat_join_request/join []
