import openai


class Helper:
    def __init__(self, key):
        self.client = openai.AsyncOpenAI(api_key=key)

    async def answer(self, text):
        return await self._complete(text)

    async def _complete(self, text):
        r = await self.client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": text}])
        return r.choices[0].message.content

    def forget(self, chat_id):
        pass
