package repofs

import "strings"

// ThirdPartyDir returns the directory of rel that holds someone else's
// code, "" when there is none: a directory no scanner descends into
// (node_modules, a virtualenv; the working-tree walk already skips them,
// and the history scan skips them the same way), or a vendored Go module
// (vendor/github.com/..., vendor/golang.org/x/...: the first path element
// after vendor/ is a module host, with a dot) or Ruby bundle
// (vendor/bundle, vendor/ruby). The secret scans leave it out: the keys
// and tokens in it are their authors' fixtures, not the project's
// credentials.
func ThirdPartyDir(rel string) string {
	rest := rel
	at := 0
	for {
		i := strings.IndexByte(rest, '/')
		if i < 0 {
			return ""
		}
		seg := rest[:i]
		for _, d := range DefaultSkipDirs {
			if seg == d {
				return rel[:at+i]
			}
		}
		if seg == "vendor" {
			next := rest[i+1:]
			j := strings.IndexByte(next, '/')
			if j > 0 {
				host := next[:j]
				if strings.IndexByte(host, '.') > 0 || host == "bundle" || host == "ruby" {
					return rel[:at+i+1+j]
				}
			}
		}
		at += i + 1
		rest = rest[i+1:]
	}
}
