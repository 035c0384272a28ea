package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// TestPrivilegedKeyRow checks the path from code to page for a key that
// bypasses row-level security: read only in server code, the row is
// raised and verified by the sinks scanner's observation, and check passes;
// read through a variable the bundler ships to the browser, the same row is
// open at priority 1 and check fails.
func TestPrivilegedKeyRow(t *testing.T) {
	dir := t.TempDir()
	write := func(src string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Join(dir, "lib"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "lib", "admin.ts"), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("import { createClient } from '@supabase/supabase-js';\n" +
		"export const admin = createClient(process.env.NEXT_PUBLIC_SUPABASE_URL!, process.env.SUPABASE_SERVICE_ROLE_KEY!);\n")
	if _, errOut, code := runIn(t, dir, nil, "init", "--name", "web"); code != ExitOK {
		t.Fatalf("init exit %d: %s", code, errOut)
	}
	row := func() (status string, priority int) {
		t.Helper()
		js, errOut, _ := runIn(t, dir, nil, "report", "--format", "json")
		var doc struct {
			Threats []struct {
				ID, Status string
				Priority   int
			}
		}
		if err := json.Unmarshal([]byte(js), &doc); err != nil {
			t.Fatalf("%v: %s %s", err, js, errOut)
		}
		for _, th := range doc.Threats {
			if th.ID == "privileged-key-bypasses-authorization@app" {
				return th.Status, th.Priority
			}
		}
		t.Fatalf("no privileged-key row: %s", js)
		return "", 0
	}
	if status, prio := row(); status != "verified" || prio != 2 {
		t.Errorf("server-only key: row %s at P%d, want verified at P2", status, prio)
	}
	if out, errOut, code := runIn(t, dir, nil, "check"); code != ExitOK {
		t.Errorf("check exit %d with the key read only on the server: %s %s", code, out, errOut)
	}
	write("import { createClient } from '@supabase/supabase-js';\n" +
		"export const admin = createClient(process.env.NEXT_PUBLIC_SUPABASE_URL!, process.env.NEXT_PUBLIC_SUPABASE_SERVICE_ROLE_KEY!);\n")
	if status, prio := row(); status != "open" || prio != 1 {
		t.Errorf("key in the browser build: row %s at P%d, want open at P1", status, prio)
	}
	if _, _, code := runIn(t, dir, nil, "check"); code != ExitFindings {
		t.Errorf("check exit %d with the key in the browser build, want %d", code, ExitFindings)
	}
}
