// Package iac reads infrastructure declared in a repository — Terraform,
// Kubernetes manifests, docker-compose files and Dockerfiles — for the
// properties a threat model relies on: storage that is private and
// encrypted, admin and database ports that are not on the internet, TLS on
// every hop, access and audit logs, containers that do not run as root,
// pinned images and no secrets in configuration.
//
// It reports findings for what is wrong and observations for what holds,
// named by the address a model author would use (aws_s3_bucket.uploads,
// Deployment/summarizer, compose service web).
package iac

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/repofs"
	"github.com/threatmap/threatmap/scan/iac/terraform"
)

// maxFileSize skips files too large to be hand-written configuration.
const maxFileSize = 8 << 20

// Scanner is the iac scanner. The zero value is ready to use.
type Scanner struct {
	// RevealSecrets turns off masking of secret values in findings.
	RevealSecrets bool
	// Skip lists files (slash paths relative to the scanned root) to
	// leave unread: the threat model itself, which report and check have
	// already parsed and which is not infrastructure, is read once.
	Skip []string
}

// New returns the iac scanner.
func New() *Scanner { return &Scanner{} }

// Name returns "iac".
func (*Scanner) Name() string { return "iac" }

// results collects what the checks find.
type results struct {
	set    evidence.Set
	reveal bool
	// serviceAccounts collects which Kubernetes workloads run as which
	// service account, across every manifest of the tree.
	serviceAccounts accountUses
}

// accountUses maps namespace/name of a service account to its workloads.
type accountUses map[string][]accountUse

type accountUse struct {
	workload string
	file     string
	line     int
}

func (a *accountUses) add(account, workload, file string, line int) {
	if *a == nil {
		*a = accountUses{}
	}
	(*a)[account] = append((*a)[account], accountUse{workload, file, line})
}

// checkServiceAccounts reports service accounts shared by several
// workloads: with IRSA or workload identity, each carries a cloud role, and
// sharing it gives every workload the union of their permissions.
func checkServiceAccounts(r *results) {
	accounts := make([]string, 0, len(r.serviceAccounts))
	for a := range r.serviceAccounts {
		accounts = append(accounts, a)
	}
	sort.Strings(accounts)
	for _, a := range accounts {
		uses := r.serviceAccounts[a]
		seen := map[string]bool{}
		var names []string
		for _, u := range uses {
			if !seen[u.workload] {
				seen[u.workload] = true
				names = append(names, u.workload)
			}
		}
		_, name, _ := strings.Cut(a, "/")
		subject := "ServiceAccount/" + name
		if len(names) > 1 {
			r.finding(ruleSharedServiceAccount, 0, uses[0].file, uses[0].line, subject, a,
				fmt.Sprintf("service account %s is used by %d workloads (%s); give each its own", a, len(names), strings.Join(names, ", ")))
		}
		r.observe(evidence.UnsharedIdentity, subject, len(names) <= 1, uses[0].file, uses[0].line, "used by "+strings.Join(names, ", "))
	}
}

func (r *results) finding(info RuleInfo, sev threatmap.Severity, file string, line int, resource, key, msg string) *evidence.Finding {
	if sev == 0 {
		sev = info.Severity
	}
	r.set.Findings = append(r.set.Findings, evidence.Finding{
		Scanner: "iac", Rule: info.ID, Severity: sev, Message: msg, File: file, Line: line,
		Resource: resource, Property: info.Property, Fingerprint: fingerprint(info.ID, resource, key),
	})
	return &r.set.Findings[len(r.set.Findings)-1]
}

func (r *results) observe(p evidence.Property, subject string, holds bool, file string, line int, detail string) {
	r.set.Observations = append(r.set.Observations, evidence.Observation{
		Scanner: "iac", Property: p, Subject: subject, Holds: holds, File: file, Line: line, Detail: detail,
	})
}

// mask hides a secret value unless the user asked to see it.
func (r *results) mask(s string) string {
	if r.reveal {
		return s
	}
	if len(s) <= 4 {
		return "****"
	}
	return s[:2] + strings.Repeat("*", min(len(s)-2, 12))
}

// SyntaxError is a file that does not parse, at file:line:col.
type SyntaxError struct {
	File   string
	Line   int
	Column int
	Msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Msg)
}

// Scan reads every infrastructure file under root. When root is a single
// file that does not parse, Scan returns the syntax error; in a tree, such a
// file becomes an iac-parse-error finding and the scan goes on.
func (s *Scanner) Scan(ctx context.Context, root string) (evidence.Set, error) {
	info, err := os.Stat(root)
	if err != nil {
		return evidence.Set{}, fmt.Errorf("scan iac: %w", err)
	}
	single := !info.IsDir()
	r := &results{reveal: s.RevealSecrets}
	sources := map[string][]byte{}
	var errs []*SyntaxError
	tfDirs := map[string][]terraform.File{}
	tree := &treeState{}
	err = repofs.Walk(ctx, root, repofs.Options{MaxSize: maxFileSize}, func(f repofs.File) error {
		kind := fileKind(f.Rel)
		if kind == kindNone || slices.Contains(s.Skip, f.Rel) {
			return nil
		}
		src, err := os.ReadFile(f.Path)
		if err != nil {
			return fmt.Errorf("read %s: %w", f.Rel, err)
		}
		if repofs.SkipIfBinary(ctx, f.Rel, src[:min(len(src), 512)]) {
			return nil
		}
		sources[f.Rel] = src
		switch kind {
		case kindTerraform:
			dir := path.Dir(f.Rel)
			tfDirs[dir] = append(tfDirs[dir], terraform.File{Rel: f.Rel, Src: src})
		case kindYAML:
			// In a tree, a broken YAML file that is not infrastructure (a
			// CI workflow, application config, a test fixture) is for other
			// tools to report; a file named on the command line always is.
			if e := checkYAMLFile(r, f.Rel, src, tree); e != nil && (single || looksLikeInfrastructure(f.Rel, src)) {
				errs = append(errs, e)
			}
		case kindJSON:
			// JSON is read only for CloudFormation templates; other JSON
			// (package manifests, policies, data) is not infrastructure.
			if bytes.Contains(src, []byte("AWS::")) {
				if e := checkYAMLFile(r, f.Rel, src, tree); e != nil {
					errs = append(errs, e)
				}
			}
		case kindDockerfile:
			if e := checkDockerfile(r, f.Rel, src); e != nil {
				errs = append(errs, e)
			}
		}
		return nil
	})
	if err != nil {
		return evidence.Set{}, err
	}
	dirs := make([]string, 0, len(tfDirs))
	for d := range tfDirs {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	for _, d := range dirs {
		m := terraform.Load(d, tfDirs[d])
		for _, diag := range m.Diagnostics {
			errs = append(errs, &SyntaxError{File: diag.File, Line: diag.Line, Column: diag.Column, Msg: diag.Message})
		}
		checkTerraform(r, m, tree)
	}
	tree.finish(r)
	checkServiceAccounts(r)
	if single && len(errs) > 0 {
		return evidence.Set{}, errs[0]
	}
	for _, e := range errs {
		f := r.finding(ruleParseError, 0, e.File, e.Line, "", e.Msg, "does not parse: "+e.Msg)
		f.Column = e.Column
	}
	r.set.Findings = evidence.DropAllowed(r.set.Findings, sources, "iac-", "iam-")
	r.set.Sort()
	return r.set, nil
}

type fileKindT int

const (
	kindNone fileKindT = iota
	kindTerraform
	kindYAML
	kindJSON
	kindDockerfile
)

func fileKind(rel string) fileKindT {
	base := path.Base(rel)
	lower := strings.ToLower(base)
	switch {
	case terraform.IsTerraformFile(base):
		return kindTerraform
	case strings.HasSuffix(lower, ".yaml"), strings.HasSuffix(lower, ".yml"):
		return kindYAML
	case strings.HasSuffix(lower, ".json"), strings.HasSuffix(lower, ".template"):
		return kindJSON
	case lower == "dockerfile", lower == "containerfile", strings.HasPrefix(lower, "dockerfile."),
		strings.HasSuffix(lower, ".dockerfile"):
		return kindDockerfile
	}
	return kindNone
}

// fingerprint is a stable id for a finding that does not change when lines
// move, so that baselines and suppressions survive edits.
func fingerprint(parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(h[:8])
}

// isTemplated reports whether a YAML file is a template (Helm, Jinja)
// rather than a manifest; such files are skipped, not reported as broken.
func isTemplated(src []byte) bool {
	if bytes.Contains(src, []byte("{%")) {
		return true
	}
	// CloudFormation's dynamic references, {{resolve:...}}, are not
	// template syntax.
	for rest := src; ; {
		i := bytes.Index(rest, []byte("{{"))
		if i < 0 {
			return false
		}
		rest = rest[i+2:]
		if !bytes.HasPrefix(rest, []byte("resolve:")) {
			return true
		}
	}
}
