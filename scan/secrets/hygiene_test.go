package secrets

import "testing"

func TestGitignore(t *testing.T) {
	tests := []struct {
		gitignore string
		rel       string
		want      bool
	}{
		{".env\n", ".env", true},
		{"/.env\n", ".env", true},
		{"/.env\n", "app/.env", false},
		{".env*\n!.env.example\n", ".env.example", false},
		{".env*\n!.env.example\n", ".env.local", true},
		{"*.env\n", "prod.env", true},
		{".env.*\n", ".env", false},
		{".env\n!.env\n", ".env", false},
		{"config/\n", "config/.env", true},
		{"**/secrets/\n", "a/secrets/.env", true},
		{"# .env\n", ".env", false},
		{"node_modules/\n", ".env", false},
	}
	for _, tt := range tests {
		if got := parseGitignore([]byte(tt.gitignore)).ignores(tt.rel); got != tt.want {
			t.Errorf(".gitignore %q, %s: ignored = %v, want %v", tt.gitignore, tt.rel, got, tt.want)
		}
	}
}

func TestIsEnvFile(t *testing.T) {
	for rel, want := range map[string]bool{
		".env": true, "app/.env.local": true, ".env.production": true, "prod.env": true,
		".env.example": false, ".env.sample": false, ".env.template": false, ".envrc": false, "env.go": false,
	} {
		if got := isEnvFile(rel); got != want {
			t.Errorf("isEnvFile(%q) = %v, want %v", rel, got, want)
		}
	}
}

func TestNameWords(t *testing.T) {
	tests := map[string]string{
		"apiKey":            "api key",
		"APIKey":            "api key",
		"hexECTestPKCS1Key": "hex ec test pkcs1 key",
		"DB_PASSWORD":       "db password",
		"client.secret-id":  "client secret id",
	}
	for in, want := range tests {
		got := ""
		for i, w := range nameWords(in) {
			if i > 0 {
				got += " "
			}
			got += w
		}
		if got != want {
			t.Errorf("nameWords(%q) = %q, want %q", in, got, want)
		}
	}
}
