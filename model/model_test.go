package model

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestBadModels loads each testdata/err/*.yaml and compares every
// diagnostic, formatted with the offending line, with its .out file.
func TestBadModels(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "err", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			m, diags := Parse(filepath.ToSlash(f), data)
			if !diags.HasErrors() {
				t.Fatalf("%s loaded without errors", f)
			}
			got := diags.Format(m.Source)
			golden := strings.TrimSuffix(f, ".yaml") + ".out"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update)", err)
			}
			if got != string(want) {
				t.Errorf("diagnostics differ from %s:\n%s", golden, got)
			}
		})
	}
}

func TestGoodModels(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "ok", "*.yaml"))
	if len(files) == 0 {
		t.Fatal("no fixtures")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if _, diags := Parse(f, data); diags.HasErrors() {
			t.Errorf("%s: %s", f, diags.Errors())
		}
	}
}

// TestAllErrorsAtOnce checks that decoding errors and reference errors in
// one file are reported together, not one per run.
func TestAllErrorsAtOnce(t *testing.T) {
	src := `system:
  name: demo
  colour: blue
components:
  - {id: api, kind: service, runs_as: ghost}
surfaces:
  - {id: s, kind: endpoint, component: nope, path: /x, costly: maybe}
`
	_, diags := Parse("m.yaml", []byte(src))
	want := []string{
		`m.yaml:3:3: error: system: unknown key "colour"`,
		`m.yaml:5:39: error: runs_as: no identity with id "ghost"`,
		`m.yaml:7:40: error: component: no component with id "nope"`,
		`m.yaml:7:64: error: surfaces[0].costly: want true or false`,
	}
	got := diags.Error()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("missing %q in\n%s", w, got)
		}
	}
}

func TestDefaults(t *testing.T) {
	src := `system: {name: demo}
assets:
  - {id: keys, kind: credentials}
  - {id: docs, kind: user-data}
  - {id: up, kind: availability}
components:
  - {id: api, kind: service, runs_as: role}
  - {id: worker, kind: function, runs_as: role}
identities:
  - {id: role}
surfaces:
  - {id: hook, kind: webhook, component: api, path: /hook, sender: stripe}
  - {id: hook2, kind: webhook, component: api, path: /hook2, sender: acme}
  - {id: list, kind: endpoint, component: api, method: get, path: /list}
  - {id: env, kind: secret}
flows:
  - {from: api, to: worker, protocol: http}
  - {from: worker, to: api, protocol: HTTPS}
  - {from: api, to: api, protocol: carrier-pigeon}
controls:
  - {id: c1, kind: mfa}
`
	m, diags := Parse("m.yaml", []byte(src))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	checks := []struct {
		name, got, want string
	}{
		{"credentials sensitivity", m.Assets[0].Sensitivity, "critical"},
		{"user-data sensitivity", m.Assets[1].Sensitivity, "high"},
		{"availability sensitivity", m.Assets[2].Sensitivity, "medium"},
		{"webhook method", m.Surfaces[0].Method, "POST"},
		{"webhook exposure", m.Surfaces[0].Exposure, "public"},
		{"webhook signature from sender", m.Surfaces[0].Signature, "stripe"},
		{"unknown sender signature", m.Surfaces[1].Signature, "other"},
		{"webhook label", m.Surfaces[0].Name, "POST /hook"},
		{"method normalised", m.Surfaces[2].Method, "GET"},
		{"secret exposure", m.Surfaces[3].Exposure, "private"},
		{"auth default", m.Surfaces[2].Auth, "none"},
		{"flow id", m.Flows[0].ID, "api-to-worker"},
		{"control status", m.Controls[0].Status, "implemented"},
		{"identity users", strings.Join(m.Identities[0].UsedBy, ","), "api,worker"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if m.Flows[0].Encrypted == nil || *m.Flows[0].Encrypted {
		t.Error("http flow should default to unencrypted")
	}
	if m.Flows[1].Encrypted == nil || !*m.Flows[1].Encrypted {
		t.Error("HTTPS flow should default to encrypted")
	}
	if m.Flows[2].Encrypted != nil {
		t.Error("unknown protocol should leave encryption unknown")
	}
	if m.Policy.FailPriority != 2 || !*m.Policy.Secrets {
		t.Error("policy defaults not applied")
	}
}

func TestParsePeriod(t *testing.T) {
	tests := []struct {
		in      string
		days    float64
		never   bool
		wantErr bool
	}{
		{"90d", 90, false, false}, {"12w", 84, false, false}, {"3m", 90, false, false},
		{"1y", 365, false, false}, {"48h", 2, false, false}, {"never", 0, true, false},
		{"soon", 0, false, true}, {"-3d", 0, false, true}, {"", 0, false, true},
	}
	for _, tt := range tests {
		p, err := ParsePeriod(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("ParsePeriod(%q) error = %v", tt.in, err)
			continue
		}
		if err == nil && (p.Value.Hours()/24 != tt.days || p.Never != tt.never) {
			t.Errorf("ParsePeriod(%q) = %v days never=%v", tt.in, p.Value.Hours()/24, p.Never)
		}
	}
}

func TestLoadFindsModelInDirectory(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := Load(dir); err == nil || !strings.Contains(err.Error(), "threatmap init") {
		t.Errorf("empty dir: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, FileName), []byte("system: {name: x}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	m, _, err := Load(dir)
	if err != nil || m.System.Name != "x" || m.Dir != dir {
		t.Fatalf("Load(dir) = %v, %v", m, err)
	}
}
