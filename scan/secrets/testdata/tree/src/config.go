package config

// Keys read from the environment are fine; literal ones are not.
var (
	awsKeyID  = "AKIA«16:b32»"         // want "aws-access-key-id"
	awsSecret = "«40:b64»"             // want "aws-secret-access-key"
	sendgrid  = "SG.«22:url».«43:url»" // want "sendgrid-api-key"
	npmToken  = "npm_«36:alnum»"       // want "npm-access-token"
	apiKey    = os.Getenv("API_KEY")
	maxTokens = 4096
)
