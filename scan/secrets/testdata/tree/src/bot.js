const { Client } = require("discord.js");
const client = new Client();
client.login("«discord»"); // want "discord-bot-token"
const telegramToken = "«10:digit»:AA«33:url»"; // want "telegram-bot-token"
const slack = "xoxb-«12:digit»-«13:digit»-«24:alnum»"; // want "slack-bot-token"
const hook = "https://hooks.slack.com/services/T«10:upperdigit»/B«10:upperdigit»/«24:alnum»"; // want "slack-webhook"
const token = process.env.BOT_TOKEN;
const gh = "ghp_«36:alnum»"; // want "github-pat"
const jwt = "«jwt»"; // want "jwt"
