package cli

import (
	"strings"
	"testing"

	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/model"
	"github.com/threatmap/threatmap/scan/routes/botsrc"
)

// TestStarterModelDraftsEntryPoints checks that init drafts a surface of
// the right kind for each entry point that is not an HTTP route, carrying
// what the code showed (no permission check, no secret token, no session
// check), and that the drafted model validates.
func TestStarterModelDraftsEntryPoints(t *testing.T) {
	routes := []evidence.Route{
		{Kind: evidence.RouteKindBotCommand, Method: "COMMAND", Path: "/ban", File: "bot.py", Line: 3, Framework: "discord.py", Guards: []string{}},
		{Kind: evidence.RouteKindBotCommand, Method: "COMMAND", Path: "/purge", File: "bot.py", Line: 9, Framework: "discord.py", Guards: []string{"permission"}},
		{Kind: evidence.RouteKindBotCommand, Method: "COMMAND", Path: "/ping", File: "bot.py", Line: 12, Framework: "discord.py", Guards: []string{}},
		{Kind: evidence.RouteKindBotCommand, Method: "COMMAND", Path: "/clear", File: "bot.py", Line: 14, Framework: "discord.py", Guards: []string{}},
		{Kind: evidence.RouteKindBotCommand, Method: "COMMAND", Path: "/reminder delete", File: "bot.py", Line: 16, Framework: "discord.py", Guards: []string{}},
		{Kind: evidence.RouteKindBotCommand, Method: "COMMAND", Path: "/Remove spoilers", File: "bot.py", Line: 18, Framework: "discord.py", Guards: []string{}, Tags: []string{botsrc.TagContextMenu}},
		{Kind: evidence.RouteKindBotCommand, Method: "COMMAND", Path: "/Ban user", File: "bot.py", Line: 19, Framework: "discord.py", Guards: []string{}, Tags: []string{botsrc.TagContextMenu}},
		{Kind: evidence.RouteKindBotCommand, Method: "COMMAND", Path: "/settings", File: "main.py", Line: 21, Framework: "python-telegram-bot", Guards: []string{}},
		{Kind: evidence.RouteKindBotCommand, Method: "COMMAND", Path: "/callback/set_settings_handle", File: "main.py", Line: 22, Framework: "python-telegram-bot", Guards: []string{}},
		{Kind: evidence.RouteKindBotCommand, Method: "COMMAND", Path: "/server settings", File: "bot.js", Line: 23, Framework: "discord.js", Guards: []string{}},
		{Kind: evidence.RouteKindBotCommand, Method: "COMMAND", Path: "/ban_settings", File: "main.py", Line: 24, Framework: "python-telegram-bot", Guards: []string{}},
		{Kind: evidence.RouteKindBotCommand, Method: "MESSAGE", Path: "/message/answer", File: "main.py", Line: 25, Framework: "python-telegram-bot", Guards: []string{}, Tags: []string{botsrc.TagLLM}},
		{Kind: evidence.RouteKindBotWebhook, Method: "POST", Path: "/tg", File: "main.py", Line: 20, Framework: "python-telegram-bot", Guards: []string{}},
		{Kind: evidence.RouteKindServerAction, Method: "POST", Path: "app/actions.ts#deletePost", File: "app/actions.ts", Line: 4, Framework: "nextjs", Guards: []string{}},
		{Kind: evidence.RouteKindServerAction, Method: "POST", Path: "app/actions.ts#createPost", File: "app/actions.ts", Line: 9, Framework: "nextjs", Guards: []string{"auth"}},
		{Kind: evidence.RouteKindQueue, Method: "CONSUME", Path: "tasks.charge", File: "tasks.py", Line: 5, Framework: "celery", Guards: []string{}},
		{Kind: evidence.RouteKindCron, Method: "SCHEDULE", Path: "nightly", File: "tasks.py", Line: 30, Framework: "celery", Guards: []string{}},
		{Method: "POST", Path: "/orders", File: "main.tf", Line: 7, Framework: "api-gateway", Guards: []string{}},
	}
	text := StarterModel("bot", "2026-12-01", routes)
	m, diags := model.Parse("threatmap.yaml", []byte(text))
	if diags.HasErrors() {
		t.Fatalf("drafted model does not validate:\n%s\n%s", diags, text)
	}
	byID := map[string]model.Surface{}
	for _, s := range m.Surfaces {
		byID[s.ID] = s
	}
	check := func(id, kind string, ok func(model.Surface) bool, what string) {
		t.Helper()
		s, found := byID[id]
		if !found {
			t.Errorf("no surface %s in:\n%s", id, text)
			return
		}
		if s.Kind != kind || !ok(s) {
			t.Errorf("surface %s = %+v, want kind %s and %s", id, s, kind, what)
		}
	}
	check("cmd-ban", "command", func(s model.Surface) bool { return s.Privilege && s.PermCheck == "none" && s.Sender == "discord" }, "privileged, permission none, sender discord")
	check("cmd-purge", "command", func(s model.Surface) bool { return s.Privilege }, "privileged")
	check("cmd-ping", "command", func(s model.Surface) bool { return !s.Privilege && !s.Costly && s.LLM == nil }, "not privileged, not costly, no model")
	check("cmd-message-answer", "command", func(s model.Surface) bool {
		return s.Costly && s.LLM != nil && len(s.LLM.Input) == 1 && s.LLM.Input[0] == "user" && s.LLM.Output == "text"
	}, "costly, feeding a model with user text")
	check("cmd-clear", "command", func(s model.Surface) bool { return s.Privilege }, "privileged (wipes a channel)")
	check("cmd-reminder-delete", "command", func(s model.Surface) bool { return !s.Privilege }, "not privileged (the user's own reminder)")
	check("cmd-remove-spoilers", "command", func(s model.Surface) bool { return !s.Privilege }, "not privileged (a context-menu label acting on the picked message)")
	check("cmd-ban-user", "command", func(s model.Surface) bool { return s.Privilege }, "privileged (a moderation verb, even in a context menu)")
	check("cmd-settings", "command", func(s model.Surface) bool { return !s.Privilege && s.Sender == "telegram" }, "not privileged (Telegram's per-user /settings)")
	check("cmd-callback-set-settings-handle", "command", func(s model.Surface) bool { return !s.Privilege }, "not privileged (Telegram settings callback)")
	check("cmd-server-settings", "command", func(s model.Surface) bool { return s.Privilege && s.Sender == "discord" }, "privileged (a Discord server's settings)")
	check("cmd-ban-settings", "command", func(s model.Surface) bool { return s.Privilege }, "privileged (ban on Telegram)")
	check("webhook-tg", "webhook", func(s model.Surface) bool { return s.Signature == "none" && s.Sender == "telegram" }, "signature none, sender telegram")
	check("action-app-actions-ts-deletepost", "action", func(s model.Surface) bool { return s.Auth == "none" }, "auth none")
	check("action-app-actions-ts-createpost", "action", func(s model.Surface) bool { return s.Auth == "session" }, "auth session")
	check("queue-tasks-charge", "queue", func(s model.Surface) bool { return s.Path == "tasks.charge" }, "path tasks.charge")
	check("job-nightly", "job", func(s model.Surface) bool { return s.Exposure == "private" }, "exposure private")
	check("post-orders", "endpoint", func(s model.Surface) bool { return s.Auth == "none" }, "auth none")
	if !strings.Contains(text, "bot.py:3 discord.py, no permission check found") {
		t.Errorf("the drafted command does not say where it was found and what is missing:\n%s", text)
	}
}

// init drafts the csrf-protected control on the unsafe-method routes the
// CSRF guard covers, never on a GET: CSRF middleware leaves GET unchecked.
func TestInitCSRFControlSkipsSafeMethods(t *testing.T) {
	routes := []evidence.Route{
		{Method: "GET", Path: "/admin/delete/tag/{id}", File: "admin.py", Line: 1, Guards: []string{"auth", "csrf"}},
		{Method: "POST", Path: "/photo/{id}/delete", File: "main.py", Line: 2, Guards: []string{"auth", "csrf"}},
	}
	text := StarterModel("a", "2026-11-01", routes)
	var csrf string
	for _, line := range strings.Split(text, "\n") {
		if strings.Contains(line, "kind: csrf-protected") {
			csrf = line
		}
	}
	if !strings.Contains(csrf, "post-photo-id-delete") || strings.Contains(csrf, "get-admin-delete-tag-id") {
		t.Errorf("csrf control = %q, want it on the POST route only", csrf)
	}
}
