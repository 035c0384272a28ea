package secrets

import (
	"slices"
	"strings"

	"github.com/threatmap/threatmap"
)

func keyRules() []*rule {
	return []*rule{
		{
			id: "private-key", title: "Private key", severity: threatmap.Critical,
			description: "A PEM, OpenSSH or PGP private key block (RSA, EC, DSA, PKCS#8, encrypted or not). It " +
				"signs, decrypts or logs in as whatever trusts the matching public key: servers, TLS clients, " +
				"package signatures. Revoke or replace the key pair everywhere the public key is trusted.",
			keywords: []string{"-----BEGIN"}, caseSensitive: true, after: maxWindow - 64,
			// The body allows JSON and code string escapes (\n) so that keys
			// embedded in service account files and source are found too.
			pattern: `-----BEGIN[ A-Z0-9]{0,40}PRIVATE KEY(?: BLOCK)?-----(?P<secret>(?:[A-Za-z0-9+/=:,. \t\r\n-]|\\[nrt])+?)-----END[ A-Z0-9]{0,40}PRIVATE KEY`,
			check:   privateKeyCheck,
			tp: []string{
				"-----BEGIN RSA PRIVATE KEY-----\n«64:b64»\n«64:b64»\n«40:b64»==\n-----END RSA PRIVATE KEY-----",
				"-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA«46:b64»\n«70:b64»\n-----END OPENSSH PRIVATE KEY-----",
				`"private_key": "-----BEGIN PRIVATE KEY-----\n«64:b64»\n«64:b64»\n-----END PRIVATE KEY-----\n",`,
				"-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQOYBF«58:b64»\n«64:b64»\n=«4:b64»\n-----END PGP PRIVATE KEY BLOCK-----",
				"-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,«32:HEX»\n\n«64:b64»\n«20:b64»\n-----END EC PRIVATE KEY-----",
			},
			fp: []string{
				`if block.Type == "-----BEGIN RSA PRIVATE KEY-----" {`,
				"-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----",
				"-----BEGIN PUBLIC KEY-----\n«64:b64»\n«64:b64»\n-----END PUBLIC KEY-----",
			},
		},
		{
			id: "jwt", title: "JSON Web Token", severity: threatmap.Medium,
			description: "A signed JSON Web Token. Until it expires, and many never do, it authenticates whoever " +
				"presents it as the subject it names. Revoke the session or rotate the signing key if it was real.",
			keywords: []string{"eyJ"}, caseSensitive: true, before: 8, after: 2048,
			pattern: `\b(?P<secret>eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,})`,
			check:   jwtCheck,
			tp:      []string{`Authorization: Bearer «jwt»`, `const token = "«jwt»";`},
			fp: []string{`eyJhbGciOiJIUzI1NiJ9`, `eyJub3QiOiJqd3QifQ.eyJzdWIiOiIxIn0.c2lnbmF0dXJlc2lnbmF0dXJl`,
				// the local Supabase stack's documented demo key ("iss":"supabase-demo")
				`SUPABASE_ANON_KEY="eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImV4cCI6MTk4MzgxMjk5Nn0.ZGVtby1zaWduYXR1cmUtZm9yLXRlc3Qtb25seS0xMjM"`},
		},
		{
			id: "database-url-password", title: "Database URL with a password", severity: threatmap.High,
			description: "A connection URL (PostgreSQL, MySQL, MongoDB, Redis, AMQP, SQL Server, ClickHouse) with a " +
				"password in it. Anyone who can reach the database logs in. Change the password and read the URL from the environment.",
			keywords: []string{"postgres://", "postgresql://", "mysql://", "mariadb://", "mongodb://", "mongodb+srv://",
				"redis://", "rediss://", "amqp://", "amqps://", "mssql://", "sqlserver://", "clickhouse://", "cockroachdb://"},
			charset: "A-Za-z0-9+.-", after: 400,
			pattern: `(?i)\b(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|sqlserver|clickhouse|cockroachdb)://` +
				`[^\s:@/"'<>]{0,128}:(?P<secret>[^\s@/"'<>]{1,256})@[^\s"'<>/:]+`,
			check: dbPasswordCheck,
			tp: []string{
				`DATABASE_URL=postgres://app:«16:alnum»@db.internal:5432/app`,
				`mongodb+srv://admin:«20:alnum»@cluster0.abcde.mongodb.net/prod`,
				`REDIS_URL="redis://:«24:alnum»@cache:6379/0"`,
			},
			fp: []string{
				`DATABASE_URL=postgres://postgres:postgres@localhost:5432/dev`,
				`postgres://user:${DB_PASSWORD}@db:5432/app`,
				`postgres://user@localhost/db`,
				"A URL with a password in it (`postgres://u:pw@host`) is a finding.",
				`mysql://user:<password>@host/db`,
			},
		},
	}
}

// secretNames is the name part shared by the configuration and generic
// rules: the words that say a value is a credential.
const secretNames = `(?:secret|passw(?:or)?d|pwd|token|api[_.-]?key|access[_.-]?key|auth[_.-]?key|private[_.-]?key|` +
	`credentials?|signing[_.-]?key|encryption[_.-]?key|master[_.-]?key|session[_.-]?key)`

var secretKeywords = []string{
	"secret", "passwd", "password", "pwd", "token", "apikey", "api_key", "api-key", "api.key", "access_key",
	"access-key", "accesskey", "auth_key", "authkey", "private_key", "privatekey", "credential", "signing_key",
	"encryption_key", "master_key", "session_key",
}

// configLine is a secret-named key with a literal value in a line of YAML,
// dotenv or Compose environment syntax.
const configLine = `(?i)[ \t]*(?:-[ \t]*)?(?:export[ \t]+)?["']?(?P<name>[a-z0-9_.-]*` + secretNames + `[a-z0-9_.-]*)["']?[ \t]*[:=][ \t]*["']?(?P<secret>[^\s"'$#]{4,})`

func configRules() []*rule {
	return []*rule{
		{
			id: "dockerfile-secret", title: "Secret in a Dockerfile ENV or ARG", severity: threatmap.High, tier: 1,
			description: "A secret-named ENV or ARG with a literal value. ENV values are baked into every layer " +
				"and shown by docker inspect; ARG values are kept in the image history. Use a build secret " +
				"(RUN --mount=type=secret) or pass the value at run time.",
			keywords: secretKeywords, files: isDockerfile, anchor: anchorLine, after: 400,
			pattern: `(?i)[ \t]*(?:ENV|ARG)[ \t]+(?P<name>[a-z0-9_]*` + secretNames + `[a-z0-9_]*)(?:[ \t]*=[ \t]*|[ \t]+)["']?(?P<secret>[^\s"'$]{4,})`,
			check:   literalCheck,
			tp:      []string{"FROM python:3.12\nENV OPENAI_API_KEY=«24:alnum»", "ARG DB_PASSWORD=hunter22", "ENV API_TOKEN «16:alnum»"},
			fp:      []string{"ARG GITHUB_TOKEN", "ENV DB_PASSWORD=${DB_PASSWORD}", "ENV DB_PASSWORD_FILE=/run/secrets/db", "ENV TOKEN_TTL=3600"},
		},
		{
			id: "compose-secret", title: "Secret in a Compose file", severity: threatmap.High, tier: 1,
			description: "A secret-named environment variable with a literal value in a Docker Compose file. " +
				"Use an env_file that is not committed, ${VAR} interpolation, or Compose secrets.",
			keywords: secretKeywords, files: isComposeFile, anchor: anchorLine, after: 400,
			pattern: configLine,
			check:   literalCheck,
			tp:      []string{"services:\n  db:\n    environment:\n      POSTGRES_PASSWORD: s3cr3t-pw\n", "    environment:\n      - API_TOKEN=«20:alnum»\n"},
			fp:      []string{"      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}\n", "      POSTGRES_PASSWORD_FILE: /run/secrets/db\n", "      - SECRET_KEY\n"},
		},
		{
			id: "ci-secret", title: "Secret in a CI workflow", severity: threatmap.High, tier: 1,
			description: "A secret-named key with a literal value in a CI pipeline file (GitHub Actions, GitLab " +
				"CI, CircleCI and others). Anyone who can read the repository can read it, and forks run with it. " +
				"Store it as a CI secret and reference it (${{ secrets.NAME }}).",
			keywords: secretKeywords, files: isCIFile, anchor: anchorLine, after: 400,
			pattern: configLine,
			check:   ciCheck,
			tp: []string{
				"    env:\n      NPM_TOKEN: «24:alnum»\n", "      with:\n        password: hunter2hunter2\n",
				"  environment {\n    NEXUS_PASSWORD = '«20:alnum»'\n",
			},
			fp: []string{
				"      NPM_TOKEN: ${{ secrets.NPM_TOKEN }}\n", "        password: ${{ secrets.REGISTRY_PASSWORD }}\n", "        token-format: json\n",
				"    secrets: inherit\n",
				"    AWS_SECRET_ACCESS_KEY = credentials('aws-secret-key')\n",
				"    SONAR_TOKEN = env.SONAR_TOKEN\n",
				"  DB_PASSWORD: $CI_DB_PASSWORD\n",
				"    DB_PASSWORD: $(db-password)\n",
				"    SecretsFilter: 'db-password,api-token'\n",
				"      password:\n        from_secret: docker_password\n",
			},
		},
		{
			id: "env-file-secret", title: "Secret in a .env file", severity: threatmap.High, tier: 1,
			description: "A secret-named variable with a value in a dotenv file. Keep .env out of the repository " +
				"and commit a .env.example with placeholders.",
			keywords: secretKeywords, files: isEnvFile, anchor: anchorLine, after: 400,
			pattern: configLine,
			check:   literalCheck,
			tp:      []string{"DB_PASSWORD=hunter22\n", "export SESSION_SECRET=«16:alnum»\n"},
			fp:      []string{"DB_PASSWORD=\n", "DB_PASSWORD=changeme\n", "TOKEN_EXPIRY=3600\n"},
		},
	}
}

func genericRules() []*rule {
	return []*rule{
		{
			id: "authorization-header", title: "Credential in an Authorization header", severity: threatmap.Medium, tier: 1,
			description: "A literal credential in an HTTP Authorization or API-key header, typically in a curl " +
				"command in a README, a script or a test. Replace it with a variable ($TOKEN) and rotate it.",
			keywords: []string{"authorization:", "x-api-key:", "api-key:", "api-token:", "x-auth-token:"},
			anchor:   anchorIdent, charset: "A-Za-z-", after: 400,
			pattern: `(?i)(?:authorization|x-api-key|api-key|api-token|x-auth-token):[ \t]+(?:(?:bearer|basic|token|api-token|apikey)[ \t]+)?` +
				`(?P<secret>[A-Za-z0-9._~+/=:-]{16,})`,
			minEntropy: 3.5,
			check:      func(s, _ string) bool { return hasDigitAndLetter(s) && !strings.HasPrefix(strings.ToLower(s), "$") },
			tp: []string{
				`curl -H "Authorization: Bearer «32:alnum»" https://api.example.net/v1/items`,
				`curl --header 'X-Api-Key: «40:hex»' https://api.acme.dev`,
			},
			fp: []string{
				`curl -H "Authorization: Bearer $TOKEN" https://api.acme.dev`,
				`curl -H "Authorization: Bearer ${API_TOKEN}"`,
				`Authorization: Bearer <token>`,
				`req.Header.Set("Authorization", "Bearer "+token)`,
			},
		},
		{
			id: "generic-secret", title: "Generic secret", severity: threatmap.Medium, tier: 2,
			description: "A high-entropy value assigned to a name that says it is a secret (password, token, " +
				"api_key, client_secret...). Provider-specific rules take precedence; this one catches the " +
				"credentials of services without a recognisable token format. Move the value to the environment " +
				"or a secret store and rotate it.",
			keywords: append(slices.Clone(secretKeywords), "key"), anchor: anchorIdent, after: 4200, match: matchAssignment,
			// A quoted value counts in any file; an unquoted one ("bare")
			// only outside source code, where it would be an expression.
			pattern: `(?P<name>[A-Za-z0-9_.-]+)["'\]]{0,2}[ \t]*(?::=|=>|=|:|\?\?=|\|\|=)[ \t]*` +
				"(?:[\"'`](?P<secret>[^\"'`\\s\\\\]+)[\"'`]|(?P<bare>[^\\s\"'`,;#\\\\]+))",
			minEntropy: 3.5,
			check:      genericCheck,
			tp: []string{
				`client_secret = "«32:alnum»"`,
				`const apiKey = '«40:alnum»';`,
				`"password": "Tr0ub4dor&3-«8:alnum»",`,
				"api_token: «32:alnum»\n",
				`APP_KEY = "base64:«44:b64»"`,
				`encryptionKey := "«64:hex»"`,
				`SharedSecret: "«64:hex»",`,
				`admin_password = "«16:alnum»"`,
				`key = "«24:alnum»"`,
				`DB_PASSWORD = "xQEvyGNsOPKTeQUZ"`, // threatmap:allow (a sample, not a credential)
			},
			fp: []string{
				`password = request.form["password"]`,
				`token = os.environ["TOKEN"]`,
				`const token = process.env.API_TOKEN;`,
				`api_key = get_secret("stripe")`,
				`max_tokens = 4096`,
				`password_field = "password_confirmation"`,
				`secret_name = "prod/db/password1"`,
				`tokenizer = "bert-base-uncased"`,
				`API_KEY = "YOUR_API_KEY_HERE"`,
				`password = "<your-password>"`,
				`token := tokenFromHeader(r)`,
				`{"error": "invalid token provided by client"}`,
				`sortKey = "created_at_2024_desc"`,
				`cacheKey := "user:«12:alnum»"`,
				`for key, value := range m {`,
				`PeerPublicKey: "04«64:hex»",`,
				`token = "refreshTokenValueHolder"`,
				`password_hint = "AskYourAdministrator"`,
				`"encryptionKey": "encryptionKey1024",`,
				`"Key": "http2debug",`,
				`"Resource": "arn:aws:secretsmanager:us-east-1:123456789012:secret:*"`,
				`"id": "app.yml:api-key:af5d3510ed825ce4"`,
				"\tStrToStr map[string]string `protobuf:\"bytes,4,rep,name=str_to_str\" protobuf_key:\"bytes,1,opt,name=key\" protobuf_val:\"bytes,2,opt,name=value\"`",
				"Token: `urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6`,",
				`key := "dGhlIHNhbXBsZSBub25jZQ=="`,
				"\tMsgMapping map[int64]*Point `protobuf_key:\"zigzag64,1,opt,name=key\" protobuf_val:\"bytes,2,opt,name=value\"`",
			},
		},
	}
}
