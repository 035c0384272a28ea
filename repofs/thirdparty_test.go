package repofs

import "testing"

func TestThirdPartyDir(t *testing.T) {
	for _, tc := range []struct{ rel, want string }{
		{"vendor/github.com/golang/protobuf/proto/test.pb.go", "vendor/github.com"},
		{"recipe/vendor/golang.org/x/net/webdav/if_test.go", "recipe/vendor/golang.org"},
		{"vendor/gopkg.in/yaml.v2/decode.go", "vendor/gopkg.in"},
		{"vendor/bundle/ruby/3.2.0/gems/x/key.pem", "vendor/bundle"},
		{"web/node_modules/pkg/index.js", "web/node_modules"},
		{".venv/lib/python3.12/site-packages/x.py", ".venv"},
		// The project's own code.
		{"vendor/acme/payments.go", ""},
		{"vendor/modules.txt", ""},
		{"internal/vendor.go", ""},
		{"config/.env", ""},
		{"vendorized/github.com/x.go", ""},
		{"main.go", ""},
	} {
		if got := ThirdPartyDir(tc.rel); got != tc.want {
			t.Errorf("ThirdPartyDir(%q) = %q, want %q", tc.rel, got, tc.want)
		}
	}
}
