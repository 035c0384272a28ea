from openai import AsyncOpenAI

client = AsyncOpenAI()


async def ask(prompt):
    r = await client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}])
    return r.choices[0].message.content
