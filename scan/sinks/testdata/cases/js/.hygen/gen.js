const { execSync } = require('child_process');
module.exports = (answers) => execSync('npx prettier --write ' + answers.file);
