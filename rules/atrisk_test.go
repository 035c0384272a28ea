package rules

import (
	"slices"
	"testing"
)

// TestAssetsComeFromTheElement checks that a threat names the assets next
// to its element (its own, its component's, its flows') and never the
// model's other assets of the rule's kinds.
func TestAssetsComeFromTheElement(t *testing.T) {
	src := `system: {name: x}
assets:
  - {id: chat-log, kind: user-data, name: Chat history, sensitivity: medium}
  - {id: contracts, kind: user-data, name: Customer contracts, sensitivity: critical}
components:
  - {id: bot, kind: service}
  - {id: chatdb, kind: datastore, stores: [chat-log]}
  - {id: vault, kind: datastore, stores: [contracts]}
  - {id: jenkins, kind: ci}
flows:
  - {from: bot, to: chatdb, data: [chat-log], protocol: https}
surfaces:
  - {id: ask, kind: endpoint, component: bot, method: POST, path: /ask, exposure: public, auth: none}
  - {id: jenkins-ui, kind: admin, component: jenkins, method: GET, path: /jenkins, exposure: public, auth: none}
`
	threats := runBuiltin(t, src)
	sawAsk := false
	for _, th := range threats {
		switch th.Element {
		case "ask", "bot":
			if slices.Contains(th.Assets, "contracts") {
				t.Errorf("%s names customer contracts, which the bot neither stores nor carries", th.ID)
			}
			if slices.Contains(th.Assets, "chat-log") {
				sawAsk = true
			}
		case "jenkins-ui":
			if len(th.Assets) > 0 {
				t.Errorf("%s names %v, but the CI server holds none of the model's assets", th.ID, th.Assets)
			}
		}
	}
	if !sawAsk {
		t.Errorf("no threat on the bot names the chat history its flow carries")
	}
}

// TestUniquePositions: each position once; a short list without repeats
// is returned as it is, in its order.
func TestUniquePositions(t *testing.T) {
	long := make([]int32, 40)
	for i := range long {
		long[i] = int32(39-i) % 20
	}
	want := make([]int32, 20)
	for i := range want {
		want[i] = int32(i)
	}
	for _, tt := range []struct {
		in, want []int32
	}{
		{nil, nil},
		{[]int32{2, 1}, []int32{2, 1}},
		{[]int32{2, 1, 2}, []int32{1, 2}},
		{long, want},
	} {
		if got := uniquePositions(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("uniquePositions(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
	short := []int32{7, 8}
	if got := uniquePositions(short); &got[0] != &short[0] {
		t.Error("a short list without repeats was copied")
	}
}

// TestListsOf: each key's items in the order given, nil for a key given
// none, and each list clipped to its part of the shared array, so an
// append to one does not write over the next.
func TestListsOf(t *testing.T) {
	pairs := []struct {
		key int32
		v   string
	}{{2, "a"}, {0, "b"}, {2, "c"}, {3, "d"}, {0, "e"}}
	got := listsOf(5, func(add func(int32, string)) {
		for _, p := range pairs {
			add(p.key, p.v)
		}
	})
	want := [][]string{{"b", "e"}, nil, {"a", "c"}, {"d"}, nil}
	for k := range want {
		if !slices.Equal(got[k], want[k]) || (got[k] == nil) != (want[k] == nil) {
			t.Errorf("key %d: got %q, want %q", k, got[k], want[k])
		}
		if len(got[k]) != cap(got[k]) {
			t.Errorf("key %d: list of %d has room for %d", k, len(got[k]), cap(got[k]))
		}
	}
	_ = append(got[0], "x")
	if got[2][0] != "a" {
		t.Errorf("an append to key 0's list wrote over key 2's: %q", got[2])
	}
}
