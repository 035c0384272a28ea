package repofs

import (
	"path"
	"strings"
)

// MatchAny reports whether a slash path relative to a scanned root falls
// under one of the patterns, as the model's scan.exclude and the scanners'
// --include/--exclude flags write them: a directory prefix ("vendor/"), a
// directory at any depth ("**/testdata/"), a path.Match pattern on the whole
// path or on its base name ("*_test.go"), or a path itself or any path
// below it ("services/legacy").
func MatchAny(file string, patterns []string) bool {
	if file == "" {
		return false
	}
	for _, p := range patterns {
		if matchPattern(file, strings.TrimPrefix(p, "./")) {
			return true
		}
	}
	return false
}

func matchPattern(file, p string) bool {
	if rest, ok := strings.CutPrefix(p, "**/"); ok && strings.HasSuffix(rest, "/") {
		return strings.HasPrefix(file, rest) || strings.Contains(file, "/"+rest)
	}
	if strings.HasSuffix(p, "/") && strings.HasPrefix(file, p) {
		return true
	}
	if ok, _ := path.Match(p, file); ok {
		return true
	}
	if ok, _ := path.Match(p, path.Base(file)); ok {
		return true
	}
	return file == p || strings.HasPrefix(file, p+"/")
}
