import discord
from discord import app_commands
from discord.ext import commands, tasks

OWNER_ID = 1234
bot = commands.Bot(command_prefix="!", intents=discord.Intents.default())


@bot.command()  # want: bot-command COMMAND /ping []
async def ping(ctx):
    await ctx.send("pong")


@bot.command(name="purge")  # want: bot-command COMMAND /purge [permission]
@commands.has_permissions(manage_messages=True)
async def purge_messages(ctx, n: int):
    await ctx.channel.purge(limit=n)


@bot.command()  # want: bot-command COMMAND /shutdown [permission]
@commands.is_owner()
async def shutdown(ctx):
    await bot.close()


@bot.command()  # want: bot-command COMMAND /say [permission]
async def say(ctx, *, text):
    if ctx.author.id != OWNER_ID:
        return
    await ctx.send(text)


@bot.tree.command(name="ban", description="Ban a member")  # want: bot-command COMMAND /ban [permission]
@app_commands.default_permissions(ban_members=True)
async def ban(interaction: discord.Interaction, member: discord.Member):
    await member.ban()


@bot.tree.command()  # want: bot-command COMMAND /kick []
async def kick(interaction: discord.Interaction, member: discord.Member):
    await member.kick()


@bot.tree.command()  # want: bot-command COMMAND /slow [permission,rate-limit]
@app_commands.checks.has_permissions(manage_channels=True)
@app_commands.checks.cooldown(1, 30.0)
async def slow(interaction: discord.Interaction):
    pass


@bot.group()  # want: bot-command COMMAND /config []
async def config(ctx):
    pass


@config.command()  # want: bot-command COMMAND /config prefix [permission]
@commands.has_role("Admin")
async def prefix(ctx, value):
    pass


@bot.event  # want: bot-command EVENT /on_message []
async def on_message(message):
    await bot.process_commands(message)


@bot.event
async def on_ready():
    print("ready")


@tasks.loop(minutes=10)  # want: cron SCHEDULE refresh []
async def refresh():
    pass


class Moderation(commands.Cog):
    def __init__(self, bot):
        self.bot = bot

    async def cog_check(self, ctx):
        return ctx.author.guild_permissions.administrator

    @commands.hybrid_command()  # want: bot-command COMMAND /warn [permission]
    async def warn(self, ctx, member: discord.Member):
        pass

    @commands.Cog.listener()  # want: bot-command EVENT /on_message [permission]
    async def on_message(self, message):
        pass


class Fun(commands.Cog):
    @commands.command(aliases=["r"])  # want: bot-command COMMAND /roll []
    async def roll(self, ctx):
        pass

    @app_commands.command(name="avatar")  # want: bot-command COMMAND /avatar []
    async def avatar(self, interaction):
        pass


async def setup(b):
    b.add_command(make_command())  # want-unresolved


class Helpful(commands.Cog):
    def __init__(self, bot):
        self.menu = app_commands.ContextMenu(name="Grab ID", callback=self.grab_id)  # want: bot-command COMMAND /Grab ID []
        bot.tree.add_command(self.menu)

    @commands.hybrid_command(name="help")  # want: bot-command COMMAND /help []
    async def help(self, ctx):
        for cog in self.bot.cogs:
            if cog == "owner" and not (await self.bot.is_owner(ctx.author)):
                continue
            await ctx.send(cog)


class MyBot(commands.Bot):
    async def on_message(self, message):  # want: bot-command EVENT /on_message []
        await self.process_commands(message)


@bot.command()  # want: bot-command COMMAND /amiadmin []
async def amiadmin(ctx):
    if ctx.author.id == OWNER_ID:
        return await ctx.send("yes")
    await ctx.send("no")


@bot.group()  # want: bot-command COMMAND /find [permission]
@commands.has_permissions(ban_members=True)
async def find(ctx):
    pass


@find.command(name="id")  # want: bot-command COMMAND /find id [permission]
async def find_id(ctx, search: int):
    pass


@bot.command()  # want: bot-command COMMAND /beer []
async def beer(ctx, user: discord.Member = None):
    if not user or user.id == ctx.author.id:
        return await ctx.send("party")
    await ctx.send("cheers")


@commands.hybrid_group()  # want: bot-command COMMAND /reminder []
async def reminder(ctx, when: str):
    pass


@reminder.app_command.command(name="set")  # want: bot-command COMMAND /reminder set []
async def reminder_set(interaction, when: str):
    pass


@bot.command()  # want: bot-command COMMAND /prefix_add [permission]
@checks.is_manager()
async def prefix_add(ctx, prefix: str):
    pass


@bot.command()  # want: bot-command COMMAND /block [permission]
@can_use_block()
async def block(ctx, member: discord.Member):
    pass


@bot.command()  # want: bot-command COMMAND /softban [permission]
@checks.is_mod()
async def softban(ctx, member: discord.Member):
    pass


# Permissions every member has are no check of the caller.
@bot.tree.command(name="chat")  # want: bot-command COMMAND /chat []
@app_commands.checks.has_permissions(send_messages=True)
@app_commands.checks.has_permissions(view_channel=True)
@app_commands.checks.bot_has_permissions(manage_threads=True)
async def chat(interaction: discord.Interaction, message: str):
    pass


@bot.tree.command(name="topic")  # want: bot-command COMMAND /topic [permission]
@app_commands.checks.has_permissions(send_messages=True, manage_channels=True)
async def topic(interaction: discord.Interaction, text: str):
    pass
