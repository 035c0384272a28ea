import { Bot } from 'grammy'

const ADMINS = [1, 2]
const bot = new Bot('')
bot.command('start', (ctx) => ctx.reply('hi')) // want: bot-command COMMAND /start []
const admin = bot.filter((ctx) => ADMINS.includes(ctx.from?.id ?? 0))
admin.command('ban', (ctx) => ctx.reply('banned')) // want: bot-command COMMAND /ban [permission]

const other = new Bot('')
other.use(async (ctx, next) => {
  if (!ADMINS.includes(ctx.from.id)) return
  await next()
})
other.command('purge', (ctx) => ctx.reply('purged')) // want: bot-command COMMAND /purge [permission]
