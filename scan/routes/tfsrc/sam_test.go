package tfsrc

import (
	"fmt"
	"path/filepath"
	"testing"
)

// TestBrokenSAMIsADiagnostic checks that a SAM template that is not YAML
// is reported at its line and does not stop the other templates.
func TestBrokenSAMIsADiagnostic(t *testing.T) {
	broken := "Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: [unclosed\n"
	ok := "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Events:\n        E:\n          Type: Api\n          Properties: {Path: /ok, Method: get}\n"
	res := ExtractSAM([]File{{Rel: "a/template.yaml", Src: []byte(broken)}, {Rel: "b/template.yaml", Src: []byte(ok)}})
	if len(res.Diagnostics) != 1 || res.Diagnostics[0].File != "a/template.yaml" || res.Diagnostics[0].Line < 3 || res.Diagnostics[0].Line > 4 {
		t.Fatalf("diagnostics = %v, want one in a/template.yaml at line 3 or 4 (the parser's own position)", res.Diagnostics)
	}
	if len(res.Routes) != 1 || res.Routes[0].Path != "/ok" || res.Routes[0].Method != "GET" || res.Routes[0].File != "b/template.yaml" {
		t.Fatalf("routes = %v, want GET /ok from b/template.yaml", res.Routes)
	}
}

// TestSAMNeedsMarker checks that YAML without a serverless type is not
// read (a Kubernetes manifest, a CI workflow).
func TestSAMNeedsMarker(t *testing.T) {
	src := "Resources:\n  Fn:\n    Type: Other\n    Properties:\n      Events:\n        E:\n          Type: Api\n          Properties: {Path: /x, Method: get}\n"
	if res := ExtractSAM([]File{{Rel: "k8s.yaml", Src: []byte(src)}}); len(res.Routes) != 0 {
		t.Fatalf("routes = %v, want none", res.Routes)
	}
}

func FuzzExtractSAM(f *testing.F) {
	for _, dir := range []string{"sam", "sam_throttle"} {
		for _, file := range loadDir(f, filepath.Join("testdata/cases", dir)) {
			f.Add(file.Src)
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		extractBounded(t, ExtractSAM, "template.yaml", append([]byte("# AWS::Serverless\n"), src...))
	})
}

// BenchmarkExtractSAM reads 300 copies of the SAM fixture template.
func BenchmarkExtractSAM(b *testing.B) {
	var files []File
	var size int64
	for c := 0; c < 300; c++ {
		for _, f := range loadDir(b, filepath.Join("testdata/cases", "sam")) {
			files = append(files, File{Rel: fmt.Sprintf("s%d/%s", c, f.Rel), Src: f.Src})
			size += int64(len(f.Src))
		}
	}
	b.SetBytes(size)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if res := ExtractSAM(files); len(res.Routes) != 5*300 {
			b.Fatalf("routes = %d", len(res.Routes))
		}
	}
}
