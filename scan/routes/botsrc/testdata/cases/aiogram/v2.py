from aiogram import Bot, Dispatcher, executor

dp = Dispatcher(Bot("x"))


@dp.message_handler(commands=["start", "menu"])  # want: bot-command COMMAND /start []; bot-command COMMAND /menu []
async def start(message):
    pass


@dp.message_handler(commands=["users"], user_id=[1, 2])  # want: bot-command COMMAND /users [permission]
async def users(message):
    pass


if __name__ == "__main__":
    executor.start_webhook(dispatcher=dp, webhook_path="/tg", host="0.0.0.0", port=80)  # want: bot-webhook POST /tg []


async def stats(message):
    pass


async def on_button(query):
    pass


def register(dp: Dispatcher):
    dp.register_message_handler(stats, commands=["stats"], user_id=[1])  # want: bot-command COMMAND /stats [permission]
    dp.register_callback_query_handler(on_button, text="ok")  # want: bot-command CALLBACK /callback/on_button []
