from telegram.ext import CommandHandler, Dispatcher, Filters, MessageHandler

from handlers.admin import handlers as admin_handlers
from handlers.files import handlers as files_handlers


def setup(dp: Dispatcher):
    dp.add_handler(CommandHandler("admin_stats", admin_handlers.stats))  # want: bot-command COMMAND /admin_stats [permission]
    dp.add_handler(CommandHandler("file_stats", files_handlers.stats))  # want: bot-command COMMAND /file_stats []
    dp.add_handler(MessageHandler(Filters.animation, admin_handlers.show_file_id))  # want: bot-command MESSAGE /message/show_file_id [permission]
