const { App } = require('@slack/bolt');

const app = new App({ token: process.env.SLACK_BOT_TOKEN, signingSecret: process.env.SLACK_SIGNING_SECRET }); // want: bot-webhook POST /slack/events [signature]

app.command('/ticket', async ({ ack }) => { await ack(); }); // want: bot-command COMMAND /ticket []
app.command('/purge', onlyAdmins, async ({ ack }) => { await ack(); }); // want: bot-command COMMAND /purge [permission]
app.event('app_home_opened', async () => {}); // want: bot-command EVENT /app_home_opened []
app.message('hello', async ({ say }) => { await say('hi') }); // want: bot-command MESSAGE /message/hello []

const socket = new App({ token: 'x', socketMode: true, appToken: 'y' });
