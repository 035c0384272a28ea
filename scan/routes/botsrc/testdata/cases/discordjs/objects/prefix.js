const { ChannelType } = require('discord.js');

module.exports = { // want: bot-command COMMAND /setprefix [rate-limit]
    name: 'setprefix',
    cooldown: 5000,
    async execute(message, args) {},
};
