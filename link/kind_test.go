package link

import (
	"slices"
	"testing"

	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/model"
)

// TestEntryPointsLinkByKind checks that a bot command, a server action, a
// consumer and a job link only to surfaces of their own kind, and HTTP
// routes never to those, even where names coincide.
func TestEntryPointsLinkByKind(t *testing.T) {
	m := &model.Model{Surfaces: []model.Surface{
		{ID: "http-ban", Kind: "endpoint", Path: "/ban", Method: "ANY"},
		{ID: "cmd-ban", Kind: "command", Path: "/ban"},
		{ID: "job-nightly", Kind: "job", Path: "nightly"},
		{ID: "q-nightly", Kind: "queue", Path: "nightly"},
		{ID: "act-create", Kind: "action", Method: "POST", Path: "app/actions.ts#create"},
		{ID: "tg-hook", Kind: "webhook", Method: "POST", Path: "/bot", Sender: "telegram"},
	}}
	set := evidence.Set{
		Routes: []evidence.Route{
			{Method: "GET", Path: "/ban", File: "app.py", Line: 1},
			{Kind: evidence.RouteKindBotCommand, Method: "COMMAND", Path: "/ban", File: "bot.py", Line: 2},
			{Kind: evidence.RouteKindCron, Method: "SCHEDULE", Path: "nightly", File: "tasks.py", Line: 3},
			{Kind: evidence.RouteKindQueue, Method: "CONSUME", Path: "nightly", File: "tasks.py", Line: 4},
			{Kind: evidence.RouteKindServerAction, Method: "POST", Path: "app/actions.ts#create", File: "app/actions.ts", Line: 5},
			{Kind: evidence.RouteKindBotWebhook, Method: "POST", Path: "/bot", File: "bot.py", Line: 6},
		},
		Observations: []evidence.Observation{
			{Scanner: "routes", Property: evidence.Authentication, Subject: "COMMAND /ban", Holds: true},
		},
	}
	ix := Build(m, set, "")
	want := map[string]int{"http-ban": 1, "cmd-ban": 2, "job-nightly": 3, "q-nightly": 4, "act-create": 5, "tg-hook": 6}
	for id, line := range want {
		rs := ix.Routes[id]
		if len(rs) != 1 || rs[0].Line != line {
			t.Errorf("%s linked to %v, want only the route at line %d", id, rs, line)
		}
	}
	if len(ix.Unmodeled) != 0 {
		t.Errorf("unmodeled = %v, want none", ix.Unmodeled)
	}
	var obs []string
	for id, os := range ix.Observations {
		if len(os) > 0 && id != model.SystemElement {
			obs = append(obs, id)
		}
	}
	if !slices.Equal(obs, []string{"cmd-ban"}) {
		t.Errorf("observation about COMMAND /ban linked to %v, want [cmd-ban]", obs)
	}
}
