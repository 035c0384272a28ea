const { execSync } = require('child_process');
const fs = require('fs');

// An API Gateway proxy event: the body and parameters are the caller's.
exports.handler = async (event) => {
  const body = JSON.parse(event.body);
  const file = event.pathParameters.file;
  execSync('convert ' + body.image + ' out.png'); // want "command-injection"
  return { statusCode: 200, body: fs.readFileSync('/srv/files/' + file) }; // want "path-traversal"
};

// Not a handler: a callback's event is not a request.
function onEvent(event) {
  return fs.readFileSync('/srv/files/' + event.file);
}

module.exports.onEvent = onEvent;
