package iam

import (
	"os"
	"path/filepath"
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

// FuzzParseJSON feeds the positioned JSON reader and the policy reader:
// any input gives a tree or a positioned error, never a panic.
func FuzzParseJSON(f *testing.F) {
	addFixtureSeeds(f, "testdata/fixtures/json/*.json")
	f.Fuzz(func(t *testing.T, src []byte) {
		n, err := parseJSON("f.json", src)
		if err != nil {
			if _, ok := err.(*SyntaxError); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		inv := &Inventory{}
		readDocumentFile(inv, "f.json", n)
		Analyse(inv)
	})
}

// FuzzParseYAML covers CloudFormation/SAM templates and YAML policies.
func FuzzParseYAML(f *testing.F) {
	addFixtureSeeds(f, "testdata/fixtures/cloudformation/*.yaml")
	addFixtureSeeds(f, "testdata/fixtures/serverless/*/serverless.yml")
	f.Fuzz(func(t *testing.T, src []byte) {
		n, err := parseYAML("f.yaml", src)
		if err != nil {
			return
		}
		inv := &Inventory{}
		readDocumentFile(inv, "f.yaml", n)
		Analyse(inv)
	})
}

// FuzzTerraform covers policies built in HCL: jsonencode objects,
// heredocs, policy document data sources and identity wiring.
func FuzzTerraform(f *testing.F) {
	addFixtureSeeds(f, "testdata/fixtures/terraform/*.tf")
	f.Fuzz(func(t *testing.T, src []byte) {
		m := terraform.Load(".", []terraform.File{{Rel: "main.tf", Src: src}})
		inv := &Inventory{}
		readTerraform(inv, m)
		Analyse(inv)
	})
}
