package routes

import "testing"

func TestGoRelevant(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want bool
	}{
		{"net/http import", "package a\nimport \"net/http\"\n", true},
		{"chi import", "package a\nimport \"github.com/go-chi/chi/v5\"\n", true},
		{"gin import", "package a\nimport \"github.com/gin-gonic/gin\"\n", true},
		{"prefix constant", "package a\nconst APIPrefix = \"/api/v1\"\n", true},
		{"raw path", "package a\nvar p = `/admin`\n", true},
		{"plain code", "package a\nimport \"strings\"\nfunc f() string { return strings.ToUpper(\"x\") }\n", false},
	}
	for _, tt := range tests {
		if got := goRelevant([]byte(tt.src)); got != tt.want {
			t.Errorf("%s: goRelevant = %v, want %v", tt.name, got, tt.want)
		}
	}
}
