const { PermissionsBitField } = require('discord.js');

module.exports = (client) => {
    client.on('messageCreate', async (message) => { // want: bot-command EVENT /messageCreate []
        const command = client.commands.get(message.content);
        if (command.permissions && !message.member.permissions.has(PermissionsBitField.resolve(command.permissions))) return;
        await command.run(message);
    });
};
