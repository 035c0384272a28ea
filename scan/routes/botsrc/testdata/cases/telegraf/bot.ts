import { Telegraf } from 'telegraf'
import { message } from 'telegraf/filters'

const bot = new Telegraf(process.env.BOT_TOKEN!)
const ADMIN = 42

bot.start((ctx) => ctx.reply('Welcome')) // want: bot-command COMMAND /start []
bot.command('ban', (ctx) => { if (ctx.from.id !== ADMIN) return; }) // want: bot-command COMMAND /ban [permission]
bot.command(['stats', 's'], (ctx) => ctx.reply('ok')) // want: bot-command COMMAND /stats []; bot-command COMMAND /s []
bot.on(message('text'), (ctx) => ctx.reply(ctx.message.text)) // want: bot-command MESSAGE /message/text []
bot.action('approve', (ctx) => ctx.answerCbQuery()) // want: bot-command CALLBACK /callback/approve []
bot.launch({ webhook: { domain: 'example.org', hookPath: '/tg', secretToken: process.env.SECRET } }) // want: bot-webhook POST /tg [signature]
