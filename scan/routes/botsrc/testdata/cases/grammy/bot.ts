import { Bot, webhookCallback } from './deps.ts'

export const bot = new Bot(Deno.env.get('BOT_TOKEN') || '')
bot.command('ping', (ctx) => ctx.reply('pong')) // want: bot-command COMMAND /ping []
export const handle = webhookCallback(bot, 'std/http') // want: bot-webhook POST /{webhook} []
export const signed = webhookCallback(bot, 'express', { secretToken: Deno.env.get('SECRET') }) // want: bot-webhook POST /{webhook} [signature]
