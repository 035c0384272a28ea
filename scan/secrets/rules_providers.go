package secrets

import (
	"strings"

	"github.com/threatmap/threatmap"
)

// Samples use «N:class» for N random characters of a class (see
// samples_test.go), so that no token-shaped literal sits in the source.

// assign is the separator between a name and its value in code and
// configuration: =, :=, :, => with optional quotes and spaces.
const assign = `["']?\s{0,5}(?::=|=>|=|:)\s{0,5}["']?`

// tokenEnd ends a token whose last character may be '-' or '_', where \b
// would demand a word character.
const tokenEnd = `(?:[^A-Za-z0-9_-]|$)`

func cloudRules() []*rule {
	return []*rule{
		{
			id: "aws-access-key-id", title: "AWS access key ID", severity: threatmap.High,
			description: "An AWS access key ID (AKIA for a long-term IAM user key, ASIA for temporary STS " +
				"credentials). On its own it identifies a key; beside its secret access key, which usually sits " +
				"nearby, it is full API access as that identity. Deactivate the key in IAM and check CloudTrail for its use.",
			keywords: []string{"AKIA", "ASIA", "ABIA", "ACCA"}, caseSensitive: true, before: 8, after: 24,
			pattern:    `\b(?P<secret>(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\b`,
			minEntropy: 3.0,
			tp:         []string{`aws_access_key_id = AKIA«16:b32»`, `"AccessKeyId": "ASIA«16:b32»",`},
			fp: []string{
				`aws_access_key_id = AKIAIOSFODNN7EXAMPLE`, // the key AWS documents as an example
				`AKIA«8:b32»`, `id := "akia«16:b32»"`, `XAKIA«16:b32»`,
			},
		},
		{
			id: "aws-secret-access-key", title: "AWS secret access key", severity: threatmap.Critical,
			description: "The secret half of an AWS access key: with the key ID it signs API requests as the IAM " +
				"identity. Deactivate and delete the key, then review CloudTrail for calls made with it.",
			keywords:   []string{"secret_access_key", "secretaccesskey", "secret-access-key", "aws_secret", "aws-secret", "awssecret"},
			before:     48,
			anchor:     anchorIdent,
			pattern:    `(?i)[a-z0-9_.-]*(?:secret[_-]?access[_-]?key|aws[_-]?secret(?:[_-]?key)?)[a-z0-9_.-]*` + assign + `(?P<secret>[A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|$)`,
			minEntropy: 4.0,
			tp: []string{
				`aws_secret_access_key = «40:b64»`,
				`AWS_SECRET_ACCESS_KEY: "«40:b64»"`,
				`"SecretAccessKey": "«40:b64»"`,
			},
			fp: []string{
				`aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY`,
				`aws_secret_access_key = os.environ["AWS_SECRET_ACCESS_KEY"]`,
				`aws_secret_access_key: ${AWS_SECRET_ACCESS_KEY}`,
			},
		},
		{
			id: "gcp-api-key", title: "Google API key", severity: threatmap.High,
			description: "A Google Cloud API key (also used by Firebase, Maps and the Gemini API). Unrestricted keys " +
				"bill every enabled API to the project. Delete or restrict the key in the Cloud console.",
			keywords: []string{"AIza"}, caseSensitive: true, before: 8, after: 48,
			pattern:    `\b(?P<secret>AIza[0-9A-Za-z_-]{35})(?:[^0-9A-Za-z_-]|$)`,
			minEntropy: 3.0,
			tp:         []string{`apiKey: "AIza«35:url»",`, `GEMINI_API_KEY=AIza«35:url»`},
			fp:         []string{`AIza«20:url»`, `xAIza«35:url»`},
		},
		{
			id: "gcp-service-account-key", title: "Google Cloud service account key", severity: threatmap.Critical,
			description: "A service account key file (JSON with type service_account). Its private key signs tokens " +
				"as the service account with whatever roles it holds. Delete the key in IAM and use workload identity instead of key files.",
			keywords: []string{`"service_account"`}, anchor: anchorWindow, before: 64, after: 1024,
			pattern:    `(?s)"type"\s*:\s*"service_account".{0,800}?"private_key_id"\s*:\s*"(?P<secret>[a-f0-9]{40})"`,
			minEntropy: 3.0,
			tp:         []string{`{"type": "service_account", "project_id": "demo-1", "private_key_id": "«40:hex»"}`},
			fp:         []string{`{"type": "service_account", "project_id": "demo-1", "private_key_id": ""}`},
		},
		{
			id: "gcp-oauth-client-secret", title: "Google OAuth client secret", severity: threatmap.High,
			description: "A Google OAuth 2.0 client secret (GOCSPX- prefix). With the client ID it lets anyone act as " +
				"your application in OAuth flows. Reset the secret in the Cloud console.",
			keywords: []string{"GOCSPX-"}, caseSensitive: true, before: 8, after: 48,
			pattern:    `\b(?P<secret>GOCSPX-[A-Za-z0-9_-]{28})(?:[^A-Za-z0-9_-]|$)`,
			minEntropy: 3.0,
			tp:         []string{`"client_secret": "GOCSPX-«28:url»"`},
			fp:         []string{`GOCSPX-«10:url»`},
		},
		{
			id: "azure-storage-account-key", title: "Azure storage account key", severity: threatmap.Critical,
			description: "An Azure storage account key in a connection string: full read and write access to every " +
				"blob, queue and table in the account. Rotate the key and prefer managed identities or SAS tokens.",
			keywords: []string{"AccountKey="}, caseSensitive: true, before: 8, after: 120,
			pattern:    `AccountKey=(?P<secret>[A-Za-z0-9+/]{86}==)`,
			minEntropy: 4.0,
			check: func(s, _ string) bool {
				// The Azurite emulator's fixed key is published in Microsoft's documentation.
				return !strings.HasPrefix(s, "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsu")
			},
			tp: []string{`DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=«86:b64»==;EndpointSuffix=core.windows.net`},
			fp: []string{
				`AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==`,
				`AccountKey=<your-account-key>`,
			},
		},
		{
			id: "azure-ad-client-secret", title: "Microsoft Entra ID client secret", severity: threatmap.High,
			description: "An Entra ID (Azure AD) application client secret, recognisable by the Q~ after its first " +
				"four characters. It authenticates as the app registration. Delete it under Certificates & secrets.",
			keywords: []string{"Q~"}, caseSensitive: true, charset: "A-Za-z0-9_~.-", after: 48,
			pattern:    `(?:^|[^A-Za-z0-9_~.-])(?P<secret>[A-Za-z0-9_~.-]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34})(?:[^A-Za-z0-9_~.-]|$)`,
			minEntropy: 3.0,
			tp:         []string{`AZURE_CLIENT_SECRET="«3:alnum»8Q~«34:url»"`},
			fp:         []string{`x = "abc8Q~short"`, `path ~Q~`},
		},
	}
}

func codeHostRules() []*rule {
	return []*rule{
		{
			id: "github-pat", title: "GitHub personal access token (classic)", severity: threatmap.Critical,
			description: "A classic GitHub personal access token (ghp_): the scopes it was given, on every repository " +
				"and organisation its owner can reach. Revoke it under Settings → Developer settings.",
			keywords: []string{"ghp_"}, caseSensitive: true, before: 8, after: 48,
			pattern:    `\b(?P<secret>ghp_[A-Za-z0-9]{36})\b`,
			minEntropy: 3.0,
			tp:         []string{`GITHUB_TOKEN=ghp_«36:alnum»`, `token: "ghp_«36:alnum»"`},
			fp:         []string{`ghp_«20:alnum»`, `ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx`},
		},
		{
			id: "github-fine-grained-pat", title: "GitHub fine-grained personal access token", severity: threatmap.Critical,
			description: "A fine-grained GitHub personal access token (github_pat_), limited to chosen repositories " +
				"and permissions but still a login as its owner. Revoke it under Settings → Developer settings.",
			keywords: []string{"github_pat_"}, caseSensitive: true, before: 8, after: 100,
			pattern:    `\b(?P<secret>github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})\b`,
			minEntropy: 3.0,
			tp:         []string{`gh auth login --with-token <<< github_pat_«22:alnum»_«59:alnum»`},
			fp:         []string{`github_pat_«22:alnum»`},
		},
		{
			id: "github-oauth-token", title: "GitHub OAuth access token", severity: threatmap.High,
			description: "A GitHub OAuth app access token (gho_) acting as the user who authorised the app. " +
				"Revoke it from the OAuth app or the user's authorised applications.",
			keywords: []string{"gho_"}, caseSensitive: true, before: 8, after: 48,
			pattern:    `\b(?P<secret>gho_[A-Za-z0-9]{36})\b`,
			minEntropy: 3.0,
			tp:         []string{`oauth_token = "gho_«36:alnum»"`},
			fp:         []string{`gho_«12:alnum»`},
		},
		{
			id: "github-app-token", title: "GitHub App token", severity: threatmap.High,
			description: "A GitHub App user-to-server (ghu_) or installation (ghs_) token. Short-lived, but valid " +
				"for up to hours after a push, which is long enough for automated scanners.",
			keywords: []string{"ghu_", "ghs_"}, caseSensitive: true, before: 8, after: 48,
			pattern:    `\b(?P<secret>gh[us]_[A-Za-z0-9]{36})\b`,
			minEntropy: 3.0,
			tp:         []string{`Authorization: token ghs_«36:alnum»`, `"ghu_«36:alnum»"`},
			fp:         []string{`ghs_«10:alnum»`},
		},
		{
			id: "github-refresh-token", title: "GitHub refresh token", severity: threatmap.High,
			description: "A GitHub App refresh token (ghr_), exchangeable for new user access tokens.",
			keywords:    []string{"ghr_"}, caseSensitive: true, before: 8, after: 100,
			pattern:    `\b(?P<secret>ghr_[A-Za-z0-9]{36,76})\b`,
			minEntropy: 3.0,
			tp:         []string{`refresh_token=ghr_«76:alnum»`},
			fp:         []string{`ghr_«8:alnum»`},
		},
		{
			id: "gitlab-pat", title: "GitLab personal access token", severity: threatmap.Critical,
			description: "A GitLab personal, project or group access token (glpat-): API and Git access with its " +
				"scopes. Revoke it under Access tokens.",
			keywords: []string{"glpat-"}, caseSensitive: true, before: 8, after: 100,
			pattern:    `\b(?P<secret>glpat-[0-9A-Za-z_-]{20,}(?:\.[0-9a-z]{2}\.[0-9a-z]{7,9})?)` + tokenEnd,
			minEntropy: 3.0,
			tp:         []string{`GITLAB_TOKEN=glpat-«20:url»`, `private_token: glpat-«27:url».01.«9:lower»`},
			fp:         []string{`glpat-«8:url»`},
		},
		{
			id: "gitlab-token", title: "GitLab deploy, runner or trigger token", severity: threatmap.High,
			description: "A GitLab token other than a personal one: deploy token (gldt-), runner authentication " +
				"(glrt-) or registration (GR1348941), pipeline trigger (glptt-), CI build (glcbt-), OAuth app " +
				"secret (gloas-), SCIM (glsoat-), feature-flag client (glffct-), incoming mail (glimt-), agent (glagent-).",
			keywords:      []string{"gldt-", "glrt-", "GR1348941", "glptt-", "glcbt-", "gloas-", "glsoat-", "glffct-", "glimt-", "glagent-"},
			caseSensitive: true, before: 8, after: 100,
			pattern:    `\b(?P<secret>(?:(?:gldt|glrt|glptt|glcbt|gloas|glsoat|glffct|glimt|glagent)-|GR1348941)[0-9A-Za-z_-]{20,})` + tokenEnd,
			minEntropy: 3.0,
			tp:         []string{`token: glrt-«20:url»`, `--registration-token GR1348941«20:url»`, `TRIGGER=glptt-«40:hex»`},
			fp:         []string{`glrt-«5:url»`},
		},
	}
}

func chatRules() []*rule {
	return []*rule{
		{
			id: "slack-bot-token", title: "Slack bot token", severity: threatmap.High,
			description: "A Slack bot user token (xoxb-): reads and posts in every channel the bot is in. Revoke it " +
				"by reinstalling the app or through the auth.revoke API.",
			keywords: []string{"xoxb-"}, caseSensitive: true, before: 8, after: 100,
			pattern:    `\b(?P<secret>xoxb-[0-9]{8,13}-(?:[0-9]{8,13}-)?[A-Za-z0-9]{24,})\b`,
			minEntropy: 3.0,
			tp:         []string{`SLACK_BOT_TOKEN=xoxb-«12:digit»-«13:digit»-«24:alnum»`, `legacy = "xoxb-«12:digit»-«24:alnum»"`},
			fp:         []string{`xoxb-your-token-here`, `xoxb-«5:digit»`},
		},
		{
			id: "slack-user-token", title: "Slack user token", severity: threatmap.Critical,
			description: "A Slack user token (xoxp-) acting as the person who installed the app, with access to " +
				"their private channels and direct messages.",
			keywords: []string{"xoxp-"}, caseSensitive: true, before: 8, after: 120,
			pattern:    `\b(?P<secret>xoxp-[0-9]{8,13}-[0-9]{8,13}-[0-9]{8,13}-[a-f0-9]{32})\b`,
			minEntropy: 3.0,
			tp:         []string{`token = "xoxp-«12:digit»-«12:digit»-«13:digit»-«32:hex»"`},
			fp:         []string{`xoxp-123-456`},
		},
		{
			id: "slack-app-token", title: "Slack app-level token", severity: threatmap.High,
			description: "A Slack app-level token (xapp-), used for Socket Mode connections on behalf of the app.",
			keywords:    []string{"xapp-"}, caseSensitive: true, before: 8, after: 140,
			pattern:    `\b(?P<secret>xapp-[0-9]-[A-Z0-9]{9,12}-[0-9]{10,14}-[a-f0-9]{64})\b`,
			minEntropy: 3.0,
			tp:         []string{`SLACK_APP_TOKEN=xapp-1-A«10:upperdigit»-«13:digit»-«64:hex»`},
			fp:         []string{`xapp-1-short`},
		},
		{
			id: "slack-token", title: "Slack token", severity: threatmap.High,
			description: "A Slack token of another kind: legacy workspace (xoxa-), refresh (xoxe-), configuration " +
				"(xoxe.xoxp-), or session tokens.",
			keywords: []string{"xoxa-", "xoxe-", "xoxe.", "xoxr-", "xoxs-", "xoxo-"}, caseSensitive: true, before: 8, after: 200,
			pattern:    `\b(?P<secret>xox[aeors](?:\.xox[bp])?-(?:[0-9]-)?[0-9A-Za-z-]{30,})` + tokenEnd,
			minEntropy: 3.0,
			tp:         []string{`config_token: xoxe.xoxp-1-«140:alnum»`, `refresh: xoxe-1-«90:alnum»`},
			fp:         []string{`xoxe-1-abc`},
		},
		{
			id: "slack-webhook", title: "Slack incoming webhook URL", severity: threatmap.Medium,
			description: "A Slack incoming webhook or workflow trigger URL: anyone holding it can post messages " +
				"into the channel, which is enough for convincing phishing. Regenerate it in the app settings.",
			keywords: []string{"hooks.slack.com"}, before: 16, after: 160,
			pattern:    `hooks\.slack\.com/(?:services|workflows|triggers)/(?P<secret>[A-Za-z0-9_/+-]{30,})`,
			minEntropy: 3.0,
			tp:         []string{`SLACK_WEBHOOK_URL=https://hooks.slack.com/services/T«10:upperdigit»/B«10:upperdigit»/«24:alnum»`},
			fp:         []string{`https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX`, `see https://hooks.slack.com/`},
		},
		{
			id: "discord-bot-token", title: "Discord bot token", severity: threatmap.High,
			description: "A Discord bot token: full control of the bot account in every server it joined. The first " +
				"part is the bot's user id in base64, which this rule checks. Reset it in the Developer Portal.",
			keywords: []string{"discord", "bot_token", "bot.run(", "client.run(", ".login("}, anchor: anchorWindow, before: 320, after: 320,
			pattern: `(?:^|[^A-Za-z0-9_-])(?P<secret>[MNO][A-Za-z0-9_-]{23,27}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,40})(?:[^A-Za-z0-9_-]|$)`,
			check:   discordCheck,
			tp:      []string{`DISCORD_TOKEN=«discord»`, `client.run("«discord»")`},
			fp:      []string{`token = "abcdefghijklmnopqrstuvwx.abcdef.abcdefghijklmnopqrstuvwxyz1"`, `token = "MTIzNDU2Nzg5.GhIjKl.abcdefghijklmnopqrstuvwxyz12"`},
		},
		{
			id: "discord-webhook", title: "Discord webhook URL", severity: threatmap.Medium,
			description: "A Discord webhook URL: anyone holding it can post into the channel as the webhook.",
			keywords:    []string{"discord.com/api/webhooks/", "discordapp.com/api/webhooks/"}, before: 40, after: 120,
			pattern:    `discord(?:app)?\.com/api/webhooks/[0-9]{17,20}/(?P<secret>[A-Za-z0-9_-]{60,68})`,
			minEntropy: 3.0,
			tp:         []string{`url = "https://discord.com/api/webhooks/«18:digit»/«68:url»"`},
			fp:         []string{`https://discord.com/api/webhooks/{id}/{token}`},
		},
		{
			id: "telegram-bot-token", title: "Telegram bot token", severity: threatmap.High,
			description: "A Telegram Bot API token (bot id, colon, 35-character secret starting AA) as BotFather issues it: " +
				"full control of the bot, including reading every message sent to it. Revoke it with /revoke in BotFather.",
			keywords: []string{":AA"}, caseSensitive: true, charset: "0-9", after: 60,
			pattern:    `(?:^|[^0-9A-Za-z_])(?P<secret>[0-9]{8,10}:[A-Za-z0-9_-]{35})(?:[^A-Za-z0-9_-]|$)`,
			minEntropy: 3.0,
			tp:         []string{`TELEGRAM_BOT_TOKEN=«10:digit»:AA«33:url»`, `bot = telebot.TeleBot("«9:digit»:AA«33:url»")`},
			fp:         []string{`BOT_TOKEN=123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11`, `time 12:AA`},
		},
	}
}

func paymentRules() []*rule {
	return []*rule{
		{
			id: "stripe-secret-key", title: "Stripe live secret key", severity: threatmap.Critical,
			description: "A Stripe live-mode secret key (sk_live_): charges, refunds, payouts and every customer " +
				"record. Roll it in the Dashboard under Developers → API keys.",
			keywords: []string{"sk_live_"}, caseSensitive: true, before: 8, after: 140,
			pattern:    `\b(?P<secret>sk_live_[0-9A-Za-z]{24,247})\b`,
			minEntropy: 3.0,
			tp:         []string{`stripe.api_key = "sk_live_«24:alnum»"`, `STRIPE_SECRET_KEY=sk_live_«99:alnum»`},
			fp:         []string{`stripe.api_key = "sk_live_xxxxxxxxxxxxxxxxxxxxxxxx"`, `pk_live_«24:alnum»`},
		},
		{
			id: "stripe-restricted-key", title: "Stripe live restricted key", severity: threatmap.High,
			description: "A Stripe live-mode restricted key (rk_live_), limited to the permissions chosen when it " +
				"was created. Roll it in the Dashboard.",
			keywords: []string{"rk_live_"}, caseSensitive: true, before: 8, after: 140,
			pattern:    `\b(?P<secret>rk_live_[0-9A-Za-z]{24,247})\b`,
			minEntropy: 3.0,
			tp:         []string{`key: rk_live_«24:alnum»`},
			fp:         []string{`rk_live_«6:alnum»`},
		},
		{
			id: "stripe-test-key", title: "Stripe test-mode key", severity: threatmap.Low,
			description: "A Stripe test-mode secret or restricted key. It moves no money, but it reads and writes " +
				"test data and reveals the account; keep it out of the repository like a live key.",
			keywords: []string{"sk_test_", "rk_test_"}, caseSensitive: true, before: 8, after: 140,
			pattern:    `\b(?P<secret>[sr]k_test_[0-9A-Za-z]{24,247})\b`,
			minEntropy: 3.0,
			tp:         []string{`Stripe.apiKey = "sk_test_«24:alnum»";`},
			fp:         []string{`pk_test_«24:alnum»`},
		},
		{
			id: "stripe-webhook-secret", title: "Stripe webhook signing secret", severity: threatmap.High,
			description: "A Stripe webhook endpoint signing secret (whsec_). Whoever holds it can forge events that " +
				"your handler accepts as Stripe's, such as a paid invoice. Roll it on the webhook endpoint.",
			keywords: []string{"whsec_"}, caseSensitive: true, before: 8, after: 120,
			pattern:    `\b(?P<secret>whsec_[A-Za-z0-9+/]{32,})`,
			minEntropy: 3.0,
			tp:         []string{`STRIPE_WEBHOOK_SECRET=whsec_«32:alnum»`},
			fp:         []string{`endpoint_secret = "whsec_..."`, `whsec_«8:alnum»`},
		},
	}
}

func modelProviderRules() []*rule {
	return []*rule{
		{
			id: "openai-api-key", title: "OpenAI API key", severity: threatmap.Critical,
			description: "An OpenAI API key (user, project sk-proj-, service account sk-svcacct- or admin sk-admin-). " +
				"Spend on it is immediate and billed to you. Delete it on the API keys page and set usage limits.",
			keywords: []string{"T3BlbkFJ", "sk-proj-", "sk-svcacct-", "sk-admin-"}, caseSensitive: true, before: 200, after: 220,
			pattern:    `(?:^|[^A-Za-z0-9_-])(?P<secret>sk-(?:(?:proj|svcacct|admin|None)-)?[A-Za-z0-9_-]{16,}T3BlbkFJ[A-Za-z0-9_-]{16,}|sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{58,})`,
			minEntropy: 3.0,
			tp: []string{
				`OPENAI_API_KEY=sk-«20:alnum»T3BlbkFJ«20:alnum»`,
				`openai.api_key = "sk-proj-«74:url»T3BlbkFJ«74:url»"`,
				`key: sk-svcacct-«100:url»`,
			},
			fp: []string{`OPENAI_API_KEY=sk-...`, `sk-proj-«10:url»`},
		},
		{
			id: "anthropic-api-key", title: "Anthropic API key", severity: threatmap.Critical,
			description: "An Anthropic API key (sk-ant-api03-, or an admin key sk-ant-admin01-). Spend on it is " +
				"immediate. Disable it in the Console.",
			keywords: []string{"sk-ant-"}, caseSensitive: true, before: 8, after: 160,
			pattern:    `\b(?P<secret>sk-ant-(?:api|admin|oat|sid)[0-9]{2}-[A-Za-z0-9_-]{32,})`,
			minEntropy: 3.0,
			tp:         []string{`ANTHROPIC_API_KEY=sk-ant-api03-«93:url»AA`, `"sk-ant-admin01-«93:url»AA"`},
			fp:         []string{`ANTHROPIC_API_KEY=sk-ant-api03-...`, `sk-ant-xyz`},
		},
		{
			id: "huggingface-token", title: "Hugging Face access token", severity: threatmap.High,
			description: "A Hugging Face user access token (hf_) or organisation API token (api_org_): read or " +
				"write access to models, datasets and Spaces, and paid inference.",
			keywords: []string{"hf_", "api_org_"}, caseSensitive: true, before: 8, after: 60,
			pattern:    `\b(?P<secret>(?:hf_|api_org_)[A-Za-z]{34})\b`,
			minEntropy: 3.0,
			check:      func(s, _ string) bool { return hasUpperAndLower(s[strings.IndexByte(s, '_')+1:]) },
			tp:         []string{`HF_TOKEN=hf_«34:alpha»`, `login(token="api_org_«34:alpha»")`},
			fp:         []string{`hf_hub_download_from_remote_cached_files`, `hf_«10:alpha»`},
		},
		{
			id: "groq-api-key", title: "Groq API key", severity: threatmap.High,
			description: "A Groq API key (gsk_): paid inference billed to the account.",
			keywords:    []string{"gsk_"}, caseSensitive: true, before: 8, after: 80,
			pattern:    `\b(?P<secret>gsk_[A-Za-z0-9]{52})\b`,
			minEntropy: 3.0,
			tp:         []string{`GROQ_API_KEY=gsk_«52:alnum»`},
			fp:         []string{`gsk_«10:alnum»`},
		},
		{
			id: "replicate-api-token", title: "Replicate API token", severity: threatmap.High,
			description: "A Replicate API token (r8_): runs models on the account's bill.",
			keywords:    []string{"r8_"}, caseSensitive: true, before: 8, after: 60,
			pattern:    `\b(?P<secret>r8_[A-Za-z0-9]{37})\b`,
			minEntropy: 3.0,
			tp:         []string{`REPLICATE_API_TOKEN=r8_«37:alnum»`},
			fp:         []string{`r8_«10:alnum»`},
		},
		{
			id: "perplexity-api-key", title: "Perplexity API key", severity: threatmap.High,
			description: "A Perplexity API key (pplx-): paid search and inference billed to the account.",
			keywords:    []string{"pplx-"}, caseSensitive: true, before: 8, after: 70,
			pattern:    `\b(?P<secret>pplx-[A-Za-z0-9]{48})\b`,
			minEntropy: 3.0,
			tp:         []string{`PERPLEXITY_API_KEY=pplx-«48:alnum»`},
			fp:         []string{`pplx-«8:alnum»`},
		},
		{
			id: "xai-api-key", title: "xAI API key", severity: threatmap.High,
			description: "An xAI (Grok) API key (xai-): paid inference billed to the team.",
			keywords:    []string{"xai-"}, caseSensitive: true, before: 8, after: 100,
			pattern:    `\b(?P<secret>xai-[A-Za-z0-9]{80})\b`,
			minEntropy: 3.0,
			tp:         []string{`XAI_API_KEY=xai-«80:alnum»`},
			fp:         []string{`xai-«20:alnum»`},
		},
		{
			id: "openrouter-api-key", title: "OpenRouter API key", severity: threatmap.High,
			description: "An OpenRouter API key (sk-or-v1-): inference on many providers' models, billed to the account's credits.",
			keywords:    []string{"sk-or-v1-"}, caseSensitive: true, before: 8, after: 90,
			pattern:    `\b(?P<secret>sk-or-v1-[a-f0-9]{64})\b`,
			minEntropy: 3.0,
			tp:         []string{`OPENROUTER_API_KEY=sk-or-v1-«64:hex»`},
			fp:         []string{`sk-or-v1-«10:hex»`},
		},
		{
			id: "langsmith-api-key", title: "LangSmith API key", severity: threatmap.Medium,
			description: "A LangSmith personal or service key (lsv2_pt_, lsv2_sk_): reads every trace, which holds prompts and outputs.",
			keywords:    []string{"lsv2_"}, caseSensitive: true, before: 8, after: 70,
			pattern:    `\b(?P<secret>lsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10})\b`,
			minEntropy: 3.0,
			tp:         []string{`LANGCHAIN_API_KEY=lsv2_pt_«32:hex»_«10:hex»`},
			fp:         []string{`lsv2_pt_«8:hex»`},
		},
	}
}

func messagingRules() []*rule {
	return []*rule{
		{
			id: "twilio-api-key", title: "Twilio API key SID", severity: threatmap.Medium,
			description: "A Twilio API key SID (SK followed by 32 hex digits). With its secret, which is usually " +
				"beside it, it sends messages and calls billed to the account.",
			keywords: []string{"SK"}, caseSensitive: true, before: 2, after: 36,
			pattern:    `\b(?P<secret>SK[0-9a-fA-F]{32})\b`,
			minEntropy: 3.0,
			check:      func(s, _ string) bool { return hasDigitAndLetter(s[2:]) },
			tp:         []string{`TWILIO_API_KEY=SK«32:hex»`},
			fp:         []string{`TASK_12345678901234567890123456789012`, `SK00000000000000000000000000000000`},
		},
		{
			id: "twilio-auth-token", title: "Twilio auth token", severity: threatmap.High,
			description: "A Twilio account auth token: full API access to the account, including sending SMS and " +
				"making calls at its expense. Rotate it in the Console.",
			keywords: []string{"twilio"}, anchor: anchorIdent, after: 160,
			pattern:    `(?i)[a-z0-9_.-]*twilio[a-z0-9_.-]*token` + assign + `(?P<secret>[a-f0-9]{32})\b`,
			minEntropy: 3.0,
			tp:         []string{`TWILIO_AUTH_TOKEN=«32:hex»`},
			fp:         []string{`TWILIO_AUTH_TOKEN=${TWILIO_AUTH_TOKEN}`},
		},
		{
			id: "sendgrid-api-key", title: "SendGrid API key", severity: threatmap.High,
			description: "A SendGrid API key (SG.): sends email as your domain, which spammers and phishers pay for. " +
				"Delete it under Settings → API Keys.",
			keywords: []string{"SG."}, caseSensitive: true, before: 8, after: 80,
			pattern:    `\b(?P<secret>SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})` + tokenEnd,
			minEntropy: 3.0,
			tp:         []string{`SENDGRID_API_KEY=SG.«22:url».«43:url»`},
			fp:         []string{`SG.«5:url»`},
		},
		{
			id: "mailgun-api-key", title: "Mailgun API key", severity: threatmap.High,
			description: "A Mailgun private API key (key- followed by 32 hex digits): sends email from your domains. " +
				"Keys in the newer format have no prefix and are caught by generic-secret when assigned to a key name.",
			keywords: []string{"key-"}, after: 48,
			pattern:    `\b(?P<secret>key-[0-9a-f]{32})\b`,
			minEntropy: 3.0,
			tp:         []string{`MAILGUN_API_KEY=key-«32:hex»`, `auth=("api", "key-«32:hex»")`},
			fp:         []string{`key-value store`, `key-«10:hex»`},
		},
	}
}

func registryRules() []*rule {
	return []*rule{
		{
			id: "npm-access-token", title: "npm access token", severity: threatmap.Critical,
			description: "An npm access token (npm_): publish rights on the owner's packages, which is how " +
				"supply-chain attacks start. Revoke it with npm token revoke.",
			keywords: []string{"npm_"}, caseSensitive: true, before: 8, after: 60,
			pattern:    `\b(?P<secret>npm_[A-Za-z0-9]{36})\b`,
			minEntropy: 3.0,
			tp:         []string{`//registry.npmjs.org/:_authToken=npm_«36:alnum»`, `NPM_TOKEN: npm_«36:alnum»`},
			fp:         []string{`npm_config_registry`, `npm_«10:alnum»`},
		},
		{
			id: "npmrc-auth", title: "Registry credential in .npmrc", severity: threatmap.High, tier: 1,
			description: "An _authToken, _auth or _password line in an .npmrc or .yarnrc: the registry credential " +
				"itself. Use ${NPM_TOKEN} in the file and set the variable in CI.",
			keywords: []string{"_authToken", "_auth=", "_auth =", "_password"}, before: 8, after: 200, files: isNpmrc,
			pattern:    `(?:_authToken|_auth|_password)\s*=\s*["']?(?P<secret>[^\s"'$]{8,})`,
			minEntropy: 3.0,
			tp:         []string{`//npm.pkg.github.com/:_authToken=«40:alnum»`},
			fp:         []string{`//registry.npmjs.org/:_authToken=${NPM_TOKEN}`},
		},
		{
			id: "pypi-upload-token", title: "PyPI upload token", severity: threatmap.Critical,
			description: "A PyPI (or TestPyPI) API token: uploads new releases of the owner's projects. Remove it " +
				"under Account settings → API tokens.",
			keywords: []string{"pypi-AgEIcHlwaS5vcmc", "pypi-AgENdGVzdC5weXBpLm9yZw"}, caseSensitive: true, before: 8, after: 260,
			pattern:    `\b(?P<secret>pypi-AgE(?:IcHlwaS5vcmc|NdGVzdC5weXBpLm9yZw)[A-Za-z0-9_-]{50,})`,
			minEntropy: 3.0,
			tp:         []string{`password = pypi-AgEIcHlwaS5vcmc«120:url»`},
			fp:         []string{`pypi-AgEIcHlwaS5vcmc`},
		},
		{
			id: "rubygems-api-key", title: "RubyGems API key", severity: threatmap.High,
			description: "A RubyGems.org API key (rubygems_): pushes gem releases.",
			keywords:    []string{"rubygems_"}, caseSensitive: true, before: 8, after: 70,
			pattern:    `\b(?P<secret>rubygems_[a-f0-9]{48})\b`,
			minEntropy: 3.0,
			tp:         []string{`:rubygems_api_key: rubygems_«48:hex»`},
			fp:         []string{`rubygems_version`},
		},
		{
			id: "dockerhub-token", title: "Docker Hub access token", severity: threatmap.High,
			description: "A Docker Hub personal access token (dckr_pat_): pushes images under the account.",
			keywords:    []string{"dckr_pat_"}, caseSensitive: true, before: 8, after: 60,
			pattern:    `\b(?P<secret>dckr_pat_[A-Za-z0-9_-]{27})(?:[^A-Za-z0-9_-]|$)`,
			minEntropy: 3.0,
			tp:         []string{`echo dckr_pat_«27:url» | docker login -u acme --password-stdin`},
			fp:         []string{`dckr_pat_«5:url»`},
		},
	}
}

func platformRules() []*rule {
	return []*rule{
		{
			id: "shopify-token", title: "Shopify access token", severity: threatmap.High,
			description: "A Shopify Admin API access token or shared secret (shpat_, shpca_, shppa_, shpss_): the store's orders and customers.",
			keywords:    []string{"shpat_", "shpca_", "shppa_", "shpss_"}, caseSensitive: true, before: 8, after: 50,
			pattern:    `\b(?P<secret>shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32})\b`,
			minEntropy: 3.0,
			tp:         []string{`SHOPIFY_TOKEN=shpat_«32:hex»`},
			fp:         []string{`shpat_«8:hex»`},
		},
		{
			id: "digitalocean-token", title: "DigitalOcean token", severity: threatmap.Critical,
			description: "A DigitalOcean personal access, OAuth or refresh token (dop_v1_, doo_v1_, dor_v1_): creates and destroys droplets billed to the team.",
			keywords:    []string{"dop_v1_", "doo_v1_", "dor_v1_"}, caseSensitive: true, before: 8, after: 80,
			pattern:    `\b(?P<secret>do[por]_v1_[a-f0-9]{64})\b`,
			minEntropy: 3.0,
			tp:         []string{`DIGITALOCEAN_TOKEN=dop_v1_«64:hex»`},
			fp:         []string{`dop_v1_«10:hex»`},
		},
		{
			id: "hashicorp-vault-token", title: "HashiCorp Vault token", severity: threatmap.Critical,
			description: "A Vault service or batch token (hvs., hvb.): reads the secrets its policies allow, often all of them.",
			keywords:    []string{"hvs.", "hvb."}, caseSensitive: true, before: 8, after: 300,
			pattern:    `\b(?P<secret>hv[sb]\.[A-Za-z0-9_-]{90,})`,
			minEntropy: 3.0,
			tp:         []string{`VAULT_TOKEN=hvs.«95:url»`},
			fp:         []string{`hvs.«10:url»`},
		},
		{
			id: "terraform-cloud-token", title: "HCP Terraform API token", severity: threatmap.Critical,
			description: "An HCP Terraform (Terraform Cloud) API token (.atlasv1.): runs plans and applies with the workspace's cloud credentials.",
			keywords:    []string{".atlasv1."}, caseSensitive: true, before: 24, after: 100,
			pattern:    `\b(?P<secret>[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_-]{60,70})(?:[^A-Za-z0-9_-]|$)`,
			minEntropy: 3.0,
			tp:         []string{`token = "«14:alnum».atlasv1.«67:url»"`},
			fp:         []string{`x.atlasv1.y`},
		},
		{
			id: "pulumi-access-token", title: "Pulumi access token", severity: threatmap.High,
			description: "A Pulumi Cloud access token (pul-): reads stack state, which holds decrypted outputs.",
			keywords:    []string{"pul-"}, caseSensitive: true, before: 8, after: 60,
			pattern:    `\b(?P<secret>pul-[a-f0-9]{40})\b`,
			minEntropy: 3.0,
			tp:         []string{`PULUMI_ACCESS_TOKEN=pul-«40:hex»`},
			fp:         []string{`pul-«10:hex»`},
		},
		{
			id: "doppler-token", title: "Doppler token", severity: threatmap.Critical,
			description: "A Doppler personal, service, service-account or CLI token (dp.pt., dp.st., dp.sa., dp.ct.): reads the secrets it is scoped to.",
			keywords:    []string{"dp.pt.", "dp.st.", "dp.sa.", "dp.ct.", "dp.scim.", "dp.audit."}, caseSensitive: true, before: 8, after: 80,
			pattern:    `\b(?P<secret>dp\.(?:pt|st|sa|ct|scim|audit)\.[A-Za-z0-9]{40,44})\b`,
			minEntropy: 3.0,
			tp:         []string{`DOPPLER_TOKEN=dp.st.«43:alnum»`},
			fp:         []string{`dp.st.«5:alnum»`},
		},
		{
			id: "notion-api-token", title: "Notion integration token", severity: threatmap.High,
			description: "A Notion internal integration token (ntn_): reads and edits every page shared with the " +
				"integration. Older tokens (secret_) have no distinctive format and fall to generic-secret.",
			keywords: []string{"ntn_"}, caseSensitive: true, after: 60,
			pattern:    `\b(?P<secret>ntn_[0-9]{11}[A-Za-z0-9]{35})\b`,
			minEntropy: 3.0,
			tp:         []string{`NOTION_TOKEN=ntn_«11:digit»«35:alnum»`},
			fp:         []string{`ntn_«10:alnum»`},
		},
		{
			id: "sourcegraph-access-token", title: "Sourcegraph access token", severity: threatmap.High,
			description: "A Sourcegraph access token (sgp_): searches and reads every repository the user can see.",
			keywords:    []string{"sgp_"}, caseSensitive: true, after: 80,
			pattern:    `\b(?P<secret>sgp_(?:(?:[a-fA-F0-9]{16}|local)_)?[a-fA-F0-9]{40})\b`,
			minEntropy: 3.0,
			tp:         []string{`SRC_ACCESS_TOKEN=sgp_«16:hex»_«40:hex»`, `token: sgp_local_«40:hex»`},
			fp:         []string{`sgp_«10:hex»`},
		},
		{
			id: "1password-secret-key", title: "1Password account secret key", severity: threatmap.Critical,
			description: "A 1Password account Secret Key (A3-...): with the account password it opens every vault " +
				"of the account. It cannot be rotated by the provider alone; regenerate it in the account settings.",
			keywords: []string{"A3-"}, caseSensitive: true, charset: "A-Z0-9", after: 60,
			pattern:    `(?P<secret>A3-[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5})\b`,
			minEntropy: 3.0,
			tp:         []string{`OP_SECRET_KEY=A3-«6:upperdigit»-«6:upperdigit»-«5:upperdigit»-«5:upperdigit»-«5:upperdigit»-«5:upperdigit»`},
			fp:         []string{`A3-PAPER-SIZE`, `XA3-«6:upperdigit»-«11:upperdigit»-«5:upperdigit»-«5:upperdigit»-«5:upperdigit»`},
		},
		{
			id: "linear-api-key", title: "Linear API key", severity: threatmap.Medium,
			description: "A Linear personal API key (lin_api_): reads and writes the workspace's issues.",
			keywords:    []string{"lin_api_"}, caseSensitive: true, before: 8, after: 60,
			pattern:    `\b(?P<secret>lin_api_[A-Za-z0-9]{40})\b`,
			minEntropy: 3.0,
			tp:         []string{`LINEAR_API_KEY=lin_api_«40:alnum»`},
			fp:         []string{`lin_api_«5:alnum»`},
		},
		{
			id: "postman-api-key", title: "Postman API key", severity: threatmap.Medium,
			description: "A Postman API key (PMAK-): reads collections and environments, which often hold more credentials.",
			keywords:    []string{"PMAK-"}, caseSensitive: true, before: 8, after: 70,
			pattern:    `\b(?P<secret>PMAK-[a-f0-9]{24}-[a-f0-9]{34})\b`,
			minEntropy: 3.0,
			tp:         []string{`POSTMAN_API_KEY=PMAK-«24:hex»-«34:hex»`},
			fp:         []string{`PMAK-«5:hex»`},
		},
		{
			id: "sentry-token", title: "Sentry auth token", severity: threatmap.Medium,
			description: "A Sentry organisation or user auth token (sntrys_, sntryu_): reads events, which hold stack traces and request data.",
			keywords:    []string{"sntrys_", "sntryu_"}, caseSensitive: true, before: 8, after: 300,
			pattern:    `\b(?P<secret>sntrys_[A-Za-z0-9+/=_]{60,}|sntryu_[a-f0-9]{64})`,
			minEntropy: 3.0,
			tp:         []string{`SENTRY_AUTH_TOKEN=sntryu_«64:hex»`},
			fp:         []string{`sntryu_«5:hex»`},
		},
		{
			id: "new-relic-api-key", title: "New Relic user API key", severity: threatmap.Medium,
			description: "A New Relic user API key (NRAK-): queries and changes the account's monitoring data.",
			keywords:    []string{"NRAK-"}, caseSensitive: true, before: 8, after: 50,
			pattern:    `\b(?P<secret>NRAK-[A-Z0-9]{27})\b`,
			minEntropy: 3.0,
			tp:         []string{`NEW_RELIC_API_KEY=NRAK-«27:upperdigit»`},
			fp:         []string{`NRAK-«5:upperdigit»`},
		},
		{
			id: "grafana-service-account-token", title: "Grafana service account token", severity: threatmap.Medium,
			description: "A Grafana service account token (glsa_): dashboards, data sources and alerting with the account's role.",
			keywords:    []string{"glsa_"}, caseSensitive: true, before: 8, after: 60,
			pattern:    `\b(?P<secret>glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8})\b`,
			minEntropy: 3.0,
			tp:         []string{`GRAFANA_TOKEN=glsa_«32:alnum»_«8:hex»`},
			fp:         []string{`glsa_«5:alnum»`},
		},
		{
			id: "databricks-token", title: "Databricks access token", severity: threatmap.High,
			description: "A Databricks personal access token (dapi): runs jobs and reads tables in the workspace.",
			keywords:    []string{"dapi"}, caseSensitive: true, before: 8, after: 50,
			pattern:    `\b(?P<secret>dapi[a-f0-9]{32}(?:-[0-9])?)\b`,
			minEntropy: 3.0,
			tp:         []string{`DATABRICKS_TOKEN=dapi«32:hex»`},
			fp:         []string{`dapiVersion`, `dapi«10:hex»`},
		},
		{
			id: "atlassian-api-token", title: "Atlassian API token", severity: threatmap.High,
			description: "An Atlassian Cloud API token (ATATT3): Jira and Confluence as the user who made it.",
			keywords:    []string{"ATATT3"}, caseSensitive: true, before: 8, after: 260,
			pattern:    `\b(?P<secret>ATATT3[A-Za-z0-9_=-]{180,})`,
			minEntropy: 3.0,
			tp:         []string{`JIRA_API_TOKEN=ATATT3«186:url»`},
			fp:         []string{`ATATT3«10:url»`},
		},
		{
			id: "heroku-api-key", title: "Heroku API key", severity: threatmap.High,
			description: "A Heroku platform API key in the current format (HRKU-): deploys and configures the account's apps.",
			keywords:    []string{"HRKU-"}, caseSensitive: true, before: 8, after: 90,
			pattern:    `\b(?P<secret>HRKU-[A-Za-z0-9_-]{60})(?:[^A-Za-z0-9_-]|$)`,
			minEntropy: 3.0,
			tp:         []string{`HEROKU_API_KEY=HRKU-«60:url»`},
			fp:         []string{`HRKU-«10:url»`},
		},
		{
			id: "planetscale-token", title: "PlanetScale token or password", severity: threatmap.High,
			description: "A PlanetScale service token, OAuth token or database password (pscale_tkn_, pscale_oauth_, pscale_pw_).",
			keywords:    []string{"pscale_"}, caseSensitive: true, before: 8, after: 90,
			pattern:    `\b(?P<secret>pscale_(?:tkn|pw|oauth)_[A-Za-z0-9_.-]{32,64})` + tokenEnd,
			minEntropy: 3.0,
			tp:         []string{`DATABASE_PASSWORD=pscale_pw_«43:url»`},
			fp:         []string{`pscale_pw_«5:url»`},
		},
		{
			id: "age-secret-key", title: "age secret key", severity: threatmap.Critical,
			description: "An age encryption identity (AGE-SECRET-KEY-1): decrypts every file encrypted to it, such as SOPS-managed secrets.",
			keywords:    []string{"AGE-SECRET-KEY-1"}, caseSensitive: true, before: 8, after: 90,
			pattern:    `\b(?P<secret>AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})\b`,
			minEntropy: 3.0,
			tp:         []string{`AGE-SECRET-KEY-1«58:bech»`},
			fp:         []string{`AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ`},
		},
	}
}
