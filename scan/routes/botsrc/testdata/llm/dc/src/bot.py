import discord

from src.client import client


@client.tree.command(name="chat")  # want-llm
async def chat(interaction: discord.Interaction, *, message: str):
    await client.enqueue(interaction, message)


@client.tree.command(name="private")
async def private(interaction: discord.Interaction):
    client.private = not client.private
    await interaction.response.send_message("ok")


@client.tree.command(name="reset")
async def reset(interaction: discord.Interaction):
    client.reset()
    await interaction.response.send_message("history cleared")
