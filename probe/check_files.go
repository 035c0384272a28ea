package probe

import (
	"bytes"
	"net/http"
	"regexp"
	"sync"

	"github.com/threatmap/threatmap"
)

// wellKnown is a path that must never be served, with a test of whether a
// response body is the real thing (so that a catch-all page answering 200
// for every path is not mistaken for an exposed file).
type wellKnown struct {
	path     string
	what     string
	check    string
	severity threatmap.Severity
	matches  func([]byte) bool
}

// wellKnownPaths is the explicit list of files and debug endpoints probed
// on every target.
var wellKnownPaths = []wellKnown{
	{"/.env", "an environment file", CheckExposedFile, threatmap.Critical, LooksLikeDotEnv},
	{"/.env.production", "an environment file", CheckExposedFile, threatmap.Critical, LooksLikeDotEnv},
	{"/.git/config", "a Git repository's config", CheckExposedFile, threatmap.Critical, LooksLikeGitConfig},
	{"/.git/HEAD", "a Git repository's HEAD", CheckExposedFile, threatmap.High, LooksLikeGitHEAD},
	{"/.aws/credentials", "AWS credentials", CheckExposedFile, threatmap.Critical, LooksLikeAWSCredentials},
	{"/backup.sql", "a database dump", CheckExposedFile, threatmap.Critical, LooksLikeSQLDump},
	{"/dump.sql", "a database dump", CheckExposedFile, threatmap.Critical, LooksLikeSQLDump},
	{"/backup.zip", "a backup archive", CheckExposedFile, threatmap.High, LooksLikeArchive},
	{"/backup.tar.gz", "a backup archive", CheckExposedFile, threatmap.High, LooksLikeArchive},
	{"/id_rsa", "a private key", CheckExposedFile, threatmap.Critical, LooksLikePrivateKey},
	{"/.htpasswd", "a password file", CheckExposedFile, threatmap.High, LooksLikeHtpasswd},
	{"/debug/pprof/", "Go's pprof debug handler", CheckUnreachable, threatmap.High, LooksLikePprof},
	{"/debug/vars", "Go's expvar debug handler", CheckUnreachable, threatmap.Medium, LooksLikeExpvar},
	{"/actuator/env", "Spring Boot's environment actuator", CheckUnreachable, threatmap.Critical, LooksLikeActuatorEnv},
	{"/server-status", "Apache's server-status page", CheckUnreachable, threatmap.Medium, LooksLikeServerStatus},
}

// wellKnownProbes plans a GET for every well-known path not already
// covered by a modeled or discovered surface.
func (b *planner) wellKnownProbes() {
	for _, w := range wellKnownPaths {
		if w.check == CheckUnreachable && b.reachable[trimSlash(w.path)] {
			continue
		}
		p := &Probe{Check: w.check, Subject: subject(http.MethodGet, w.path), Resource: w.path, eval: evalWellKnown(w)}
		if w.check == CheckExposedFile {
			p.Also = append([]string{""}, b.secretSurfaces...)
		} else {
			p.Also = []string{""}
		}
		p.Steps = []Step{{Name: "fetch", Request: &Request{Method: http.MethodGet, Path: w.path, Header: probeHeader()}}}
		b.add(p)
	}
}

func trimSlash(p string) string {
	if len(p) > 1 && p[len(p)-1] == '/' {
		return p[:len(p)-1]
	}
	return p
}

func evalWellKnown(w wellKnown) evaluator {
	return func(e *evalContext, results []StepResult) Outcome {
		r, ok := results[0].last()
		if !ok {
			return inconclusive("GET %s: %v", w.path, results[0].Err)
		}
		switch e.classify(r) {
		case answerAccepted:
			if w.matches(r.Body) {
				o := fail("GET %s answered %d with %s", w.path, r.Status, w.what)
				o.Severity = w.severity
				return o
			}
			// A distinct 2xx answer whose body is not recognisable: it may
			// be the file in a shape the matcher does not know, so the
			// probe cannot say the file is not served.
			return inconclusive("GET %s answered %d with content threatmap cannot classify as %s or not; look at it by hand", w.path, r.Status, w.what)
		case answerLimited:
			return inconclusive("GET %s was rate limited", w.path)
		default:
			return pass("GET %s answered %s", w.path, describe(r))
		}
	}
}

// The matchers below recognise real files from their content. They read
// untrusted response bodies, so they are fuzzed.

// The matchers are compiled on first use, so that a threatmap process that
// sends no probe pays nothing for them at start.
var (
	dotEnvLine    = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?m)^\s*(export\s+)?[A-Z][A-Z0-9_]{1,63}\s*=`) })
	gitConfigCore = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?m)^\s*\[(core|remote "[^"\n]*"|branch "[^"\n]*")\]\s*$`)
	})
	gitHEAD = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(ref: refs/[\x21-\x7e]+|[0-9a-f]{40}|[0-9a-f]{64})\s*$`)
	})
	awsCredentials = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?m)^\s*aws_(access_key_id|secret_access_key)\s*=`) })
	sqlDump        = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)(CREATE TABLE|INSERT INTO|-- (MySQL|PostgreSQL) (database )?dump)`)
	})
	privateKey = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`-----BEGIN ((RSA|EC|DSA|OPENSSH|ENCRYPTED) )?PRIVATE KEY-----`)
	})
	htpasswdLine = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?m)^[^:\s<>]{1,64}:(\$apr1\$|\$2[aby]\$|\{SHA\}|\$5\$|\$6\$)\S+$`)
	})
	htmlStart = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?i)^\s*(<!doctype|<html|<head|<body|<\?xml)`) })
)

// LooksLikeDotEnv reports whether body is a dotenv file: at least two
// KEY=value lines and not an HTML page.
func LooksLikeDotEnv(body []byte) bool {
	if htmlStart().Match(body) {
		return false
	}
	return len(dotEnvLine().FindAllIndex(body, 2)) >= 2
}

// LooksLikeGitConfig reports whether body is a .git/config file.
func LooksLikeGitConfig(body []byte) bool {
	return !htmlStart().Match(body) && gitConfigCore().Match(body)
}

// LooksLikeGitHEAD reports whether body is a .git/HEAD file.
func LooksLikeGitHEAD(body []byte) bool { return gitHEAD().Match(bytes.TrimSpace(body)) }

// LooksLikeAWSCredentials reports whether body is an AWS credentials file.
func LooksLikeAWSCredentials(body []byte) bool {
	return !htmlStart().Match(body) && awsCredentials().Match(body)
}

// LooksLikeSQLDump reports whether body is a SQL dump.
func LooksLikeSQLDump(body []byte) bool { return !htmlStart().Match(body) && sqlDump().Match(body) }

// LooksLikeArchive reports whether body starts with a zip or gzip magic
// number.
func LooksLikeArchive(body []byte) bool {
	return bytes.HasPrefix(body, []byte("PK\x03\x04")) || bytes.HasPrefix(body, []byte{0x1f, 0x8b})
}

// LooksLikePrivateKey reports whether body holds a PEM private key.
func LooksLikePrivateKey(body []byte) bool { return privateKey().Match(body) }

// LooksLikeHtpasswd reports whether body holds user:hash lines.
func LooksLikeHtpasswd(body []byte) bool { return htpasswdLine().Match(body) }

// LooksLikePprof reports whether body is Go's pprof index.
func LooksLikePprof(body []byte) bool {
	return bytes.Contains(body, []byte("Types of profiles available")) || bytes.Contains(body, []byte("/debug/pprof/goroutine"))
}

// LooksLikeExpvar reports whether body is Go's expvar JSON.
func LooksLikeExpvar(body []byte) bool {
	return bytes.Contains(body, []byte(`"memstats"`)) && bytes.Contains(body, []byte(`"cmdline"`))
}

// LooksLikeActuatorEnv reports whether body is Spring Boot's env actuator.
func LooksLikeActuatorEnv(body []byte) bool {
	return bytes.Contains(body, []byte(`"propertySources"`)) && bytes.Contains(body, []byte(`"activeProfiles"`))
}

// LooksLikeServerStatus reports whether body is Apache's status page.
func LooksLikeServerStatus(body []byte) bool {
	return bytes.Contains(body, []byte("Apache Server Status")) || bytes.Contains(body, []byte("Server Version: Apache"))
}
