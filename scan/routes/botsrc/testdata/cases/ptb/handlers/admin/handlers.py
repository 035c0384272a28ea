from telegram import Update

from .decorators import admin_only


@admin_only
def stats(update: Update, context) -> None:
    update.message.reply_text("stats")


def show_file_id(update: Update, context) -> None:
    u = User.get_user(update, context)
    if u.is_admin:
        update.message.reply_text(update.message.document.file_id)
