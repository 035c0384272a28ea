package cli

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/scan/routes/botsrc"
)

// privilegedCommand matches command names that do what only some users
// may: moderation, configuration, broadcasts, the bot's own lifecycle.
var privilegedCommand = regexp.MustCompile(`(?i)(^|[/_ -])(ban|unban|kick|mute|unmute|warn|purge|prune|broadcast|announce|admin|config|configure|setup|settings|shutdown|restart|reboot|reload|eval|exec|sudo|owner|sync|grant|give|credit|refund|lock|unlock|role|timeout|say|deploy|stop|maintenance|blacklist|whitelist|allow|deny|block|prefix|setprefix|nick)($|[_ -])`)

// destructiveCommand matches generic verbs that are privileged as a
// command of their own (/clear wipes a channel) but not as a subcommand of
// a user's own things (/reminder delete).
var destructiveCommand = regexp.MustCompile(`(?i)^/(delete|remove|clear|set|reset)($|[_ -])`)

// telegramSettings matches the word "settings", which on Telegram names
// one of the three global commands every bot is asked to offer (/start,
// /help, /settings): the caller's own preferences, not the bot's.
var telegramSettings = regexp.MustCompile(`(?i)settings`)

// privilegedGuess reports whether a bot command's name says it does what
// only some users may. The generic verbs (remove, clear, ...) do not count
// in a context-menu label ("Remove spoilers" acts on the message the caller
// picked), and /settings does not count on Telegram.
func privilegedGuess(r evidence.Route) bool {
	p := r.Path
	if platformOf(r.Framework) == "telegram" {
		p = telegramSettings.ReplaceAllString(p, "prefs")
	}
	if privilegedCommand.MatchString(p) {
		return true
	}
	return destructiveCommand.MatchString(p) && !slices.Contains(r.Tags, botsrc.TagContextMenu)
}

// platformOf names the chat platform a bot framework talks to.
func platformOf(framework string) string {
	switch framework {
	case "discord.py", "discord.js":
		return "discord"
	case "python-telegram-bot", "aiogram", "telegraf", "grammy":
		return "telegram"
	case "slack-bolt":
		return "slack"
	}
	return ""
}

// entryPointSurface drafts the surface for an entry point that is not an
// HTTP route, or returns "" for one whose id is taken. Each line says what
// the code showed and what to review.
func entryPointSurface(r evidence.Route, seen map[string]bool) string {
	has := func(g string) bool { return slices.Contains(r.Guards, g) }
	var prefix, fields, note string
	switch r.Kind {
	case evidence.RouteKindBotCommand:
		prefix = "cmd"
		fields = "kind: command, component: app, path: " + yamlString(r.Path)
		if p := platformOf(r.Framework); p != "" {
			fields += ", sender: " + p
		}
		// A command whose code checks the caller is privileged by the
		// code's own judgement, whatever its name says.
		if privilegedGuess(r) || has(evidence.GuardPermission) {
			fields += ", privileged: true"
		}
		if slices.Contains(r.Tags, botsrc.TagLLM) {
			// Each message the handler takes spends model tokens.
			fields += ", costly: true, llm: {input: [user], output: text}"
		}
		if has(evidence.GuardPermission) {
			note = "a permission check was found; set permission: role, owner, allowlist or platform"
		} else {
			fields += ", permission: none"
			note = "no permission check found; review privileged"
		}
		if slices.Contains(r.Tags, botsrc.TagLLM) {
			note += "; reaches a language model client, so each message is billed"
		}
	case evidence.RouteKindBotWebhook:
		prefix = "webhook"
		fields = "kind: webhook, component: app, method: POST, path: " + yamlString(r.Path)
		if p := platformOf(r.Framework); p != "" {
			fields += ", sender: " + p
		}
		if has(evidence.GuardSignature) {
			note = "the platform's secret token is checked"
		} else {
			fields += ", signature: none"
			note = "no secret token checked: anyone who finds the URL can post updates"
		}
	case evidence.RouteKindServerAction:
		prefix = "action"
		auth := "none"
		note = "no session check found; review exposure and assets"
		if has(evidence.GuardAuth) {
			auth, note = "session", "checks the session; review exposure and assets"
		}
		fields = "kind: action, component: app, method: POST, path: " + yamlString(r.Path) + ", auth: " + auth
	case evidence.RouteKindQueue:
		prefix = "queue"
		fields = "kind: queue, component: app, path: " + yamlString(r.Path)
		note = "a consumer; review who can write to the queue"
	case evidence.RouteKindCron:
		prefix = "job"
		fields = "kind: job, component: app, path: " + yamlString(r.Path)
		note = "a scheduled job; review what it can change"
	default:
		return ""
	}
	id := entryPointID(prefix, r)
	if seen[id] {
		return ""
	}
	seen[id] = true
	return fmt.Sprintf("  - {id: %s, %s} # %s:%d %s, %s\n", id, fields, r.File, r.Line, r.Framework, note)
}

// entryPointID is the surface id init drafts for an entry point.
func entryPointID(prefix string, r evidence.Route) string {
	return strings.Trim(nonID.ReplaceAllString(strings.ToLower(prefix+" "+r.Path), "-"), "-")
}

// checkedCommandID returns the id of the drafted surface of a bot command
// whose code checks the caller's permission, or "" for any other entry
// point: init drafts an authorization control on these, which the route
// scan verifies on every run.
func checkedCommandID(r evidence.Route) string {
	if r.Kind != evidence.RouteKindBotCommand || !slices.Contains(r.Guards, evidence.GuardPermission) {
		return ""
	}
	return entryPointID("cmd", r)
}
