import asyncio

import discord
from openai import AsyncOpenAI


class Client(discord.Client):
    def __init__(self):
        super().__init__(intents=discord.Intents.default())
        self.model = AsyncOpenAI()
        self.queue = asyncio.Queue()
        self.history = []
        self.private = False

    async def worker(self):
        while True:
            interaction, text = await self.queue.get()
            await interaction.followup.send(await self.answer(text))

    async def enqueue(self, interaction, text):
        await self.queue.put((interaction, text))

    async def answer(self, text):
        self.history.append({"role": "user", "content": text})
        r = await self.model.chat.completions.create(model="gpt-4o-mini", messages=self.history)
        return r.choices[0].message.content

    def reset(self):
        self.history = []


client = Client()
