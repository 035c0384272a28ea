const { ApplicationCommandOptionType } = require('discord.js');
const ApplicationCommand = require('../structure/ApplicationCommand');

module.exports = new ApplicationCommand({ // want: bot-command COMMAND /eval [permission]
    command: { name: 'eval', description: 'Run code', type: 1, options: [{ name: 'code', type: ApplicationCommandOptionType.String }] },
    options: { botOwner: true },
    run: async (client, interaction) => {},
});
