package iac

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/threatmap/threatmap/scan/iac/terraform"
)

func addFixtureSeeds(f *testing.F, pattern string) {
	paths, _ := filepath.Glob(pattern)
	for _, p := range paths {
		if src, err := os.ReadFile(p); err == nil {
			f.Add(src)
		}
	}
}

// FuzzTerraform runs every Terraform check on arbitrary HCL.
func FuzzTerraform(f *testing.F) {
	addFixtureSeeds(f, "testdata/fixtures/*/*.tf")
	f.Fuzz(func(t *testing.T, src []byte) {
		m := terraform.Load(".", []terraform.File{{Rel: "main.tf", Src: src}})
		r := &results{}
		tree := &treeState{}
		checkTerraform(r, m, tree)
		tree.finish(r)
	})
}

// FuzzYAML covers Kubernetes manifests and compose files.
func FuzzYAML(f *testing.F) {
	addFixtureSeeds(f, "testdata/fixtures/*/*.y*ml")
	f.Fuzz(func(t *testing.T, src []byte) {
		r := &results{}
		tree := &treeState{}
		if e := checkYAMLFile(r, "f.yaml", src, tree); e != nil && e.Line < 1 {
			t.Fatalf("error without a line: %v", e)
		}
		checkServiceAccounts(r)
		tree.finish(r)
	})
}

// FuzzDockerfile covers the Dockerfile reader.
func FuzzDockerfile(f *testing.F) {
	addFixtureSeeds(f, "testdata/fixtures/docker/*")
	f.Fuzz(func(t *testing.T, src []byte) {
		if e := checkDockerfile(&results{}, "Dockerfile", src); e != nil && e.Line < 1 {
			t.Fatalf("error without a line: %v", e)
		}
	})
}

// FuzzScriptSecrets feeds arbitrary boot scripts to the user-data reader:
// nothing may panic, every secret lies on a line of the script and has a
// name and a value.
func FuzzScriptSecrets(f *testing.F) {
	f.Add("#!/bin/bash\nexport AWS_SECRET_ACCESS_KEY=abc123def456\naws configure set aws_access_key_id AKIAQ7EXAMPLEKEYIDAB\n")
	f.Add("$env:API_TOKEN = 'xyz'; run --password=hunter22")
	f.Fuzz(func(t *testing.T, script string) {
		lines := strings.Count(script, "\n") + 1
		for _, s := range scriptSecrets(script) {
			if s.line < 0 || s.line >= lines || s.name == "" || s.value == "" {
				t.Fatalf("bad secret %+v from %q", s, script)
			}
		}
	})
}
