const { SlashCommandBuilder } = require('discord.js');

module.exports = {
  data: new SlashCommandBuilder().setName('clear').setDescription('Clear messages'), // want: bot-command COMMAND /clear [permission]
  async execute(interaction) {
    if (!interaction.member.permissions.has('ManageMessages')) return;
  },
};
