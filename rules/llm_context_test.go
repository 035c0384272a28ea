package rules

import (
	"testing"

	"github.com/threatmap/threatmap"
)

// TestChatRelayContext checks that prompt-injection-user and
// system-prompt-leakage read the model: on a plain chat relay (a bot
// command with no tools, no documents, no shared state, text answered in
// the chat) both are harder and rank lower than on an agent with tools or
// an endpoint whose answer may reach others.
func TestChatRelayContext(t *testing.T) {
	src := `system: {name: x}
components:
  - {id: app, kind: service}
surfaces:
  - {id: relay, kind: command, component: app, path: /chat, costly: true, llm: {input: [user], output: text}}
  - {id: agent, kind: endpoint, component: app, method: POST, path: /agent, exposure: public, llm: {input: [user], output: text, tools: [search, email]}}
  - {id: comment, kind: endpoint, component: app, method: POST, path: /comments, exposure: public, llm: {input: [user], output: text}}
`
	ts := runBuiltin(t, src)
	got := map[string]Threat{}
	for _, th := range ts {
		got[th.ID] = th
	}
	for _, c := range []struct {
		id   string
		want threatmap.Difficulty
	}{
		{"prompt-injection-user@relay", threatmap.DifficultyHigh},
		{"prompt-injection-user@agent", threatmap.DifficultyLow},
		{"system-prompt-leakage@relay", threatmap.DifficultyMedium},
		{"system-prompt-leakage@agent", threatmap.DifficultyLow},
		// An endpoint's answer may be stored and shown to others (a
		// moderated comment): the relay reading is for chat commands only.
		{"prompt-injection-user@comment", threatmap.DifficultyLow},
		{"system-prompt-leakage@comment", threatmap.DifficultyLow},
	} {
		th, ok := got[c.id]
		if !ok {
			t.Errorf("no threat %s", c.id)
			continue
		}
		if th.Difficulty != c.want {
			t.Errorf("%s difficulty = %v, want %v", c.id, th.Difficulty, c.want)
		}
	}
	if r, a := got["system-prompt-leakage@relay"], got["system-prompt-leakage@agent"]; r.Priority <= a.Priority {
		t.Errorf("relay leakage priority P%d, want below the agent's P%d", r.Priority, a.Priority)
	}
}
