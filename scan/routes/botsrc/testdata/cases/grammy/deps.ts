export { Bot, webhookCallback } from 'https://deno.land/x/grammy/mod.ts'
