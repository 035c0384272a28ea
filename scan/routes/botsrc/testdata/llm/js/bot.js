const { Telegraf } = require('telegraf')
const Anthropic = require('@anthropic-ai/sdk')

const anthropic = new Anthropic()
const bot = new Telegraf(process.env.BOT_TOKEN)

bot.start((ctx) => ctx.reply('hi'))
bot.command('ask', async (ctx) => { // want-llm
  const msg = await anthropic.messages.create({ model: 'claude-3-5-haiku-latest', max_tokens: 512, messages: [{ role: 'user', content: ctx.message.text }] })
  await ctx.reply(msg.content[0].text)
})
bot.command('ping', (ctx) => ctx.reply('pong'))
bot.launch()
