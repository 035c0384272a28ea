from aiogram import Bot, Dispatcher, F, Router
from aiogram.filters import Command, CommandStart
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web

ADMIN_IDS = {1}
router = Router()
admin = Router()
admin.message.filter(F.from_user.id.in_(ADMIN_IDS))


@router.message(CommandStart())  # want: bot-command COMMAND /start []
async def start(message):
    await message.answer("hi")


@router.message(Command("stats"), F.from_user.id == 1)  # want: bot-command COMMAND /stats [permission]
async def stats(message):
    pass


@admin.message(Command("ban"))  # want: bot-command COMMAND /ban [permission]
async def ban(message):
    pass


@router.message(F.text)  # want: bot-command MESSAGE /message/echo []
async def echo(message):
    await message.answer(message.text)


@router.callback_query(F.data == "ok")  # want: bot-command CALLBACK /callback/on_ok []
async def on_ok(query):
    pass


def main():
    dp = Dispatcher()
    bot = Bot("x")
    app = web.Application()
    handler = SimpleRequestHandler(dispatcher=dp, bot=bot, secret_token="s3cret")
    handler.register(app, path="/webhook")  # want: bot-webhook POST /webhook [signature]
    setup_application(app, dp, bot=bot)


async def help_handler(message):
    pass


router.message.register(help_handler, Command("help"))  # want: bot-command COMMAND /help []
admin.message.register(help_handler, Command("panel"))  # want: bot-command COMMAND /panel [permission]
