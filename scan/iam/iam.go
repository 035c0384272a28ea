// Package iam analyses AWS IAM policies wherever a repository declares
// them (standalone JSON policy documents, Terraform, CloudFormation and SAM
// templates) for grants beyond least privilege, escalation paths, and
// identities shared by several components.
//
// It reports findings for what is wrong and observations for what holds,
// so that a model claiming "each bot has its own least-privilege role" can
// be verified as well as contradicted.
package iam

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path"
	"sort"
	"strings"

	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/repofs"
	"github.com/threatmap/threatmap/scan/iac/terraform"
	"go.yaml.in/yaml/v3"
)

// maxFileSize skips files too large to be hand-written configuration.
const maxFileSize = 8 << 20

// Scanner is the iam scanner. The zero value is ready to use.
type Scanner struct{}

// New returns the iam scanner.
func New() *Scanner { return &Scanner{} }

// Name returns "iam".
func (*Scanner) Name() string { return "iam" }

// Scan reads every policy under root. When root is a single file that does
// not parse, Scan returns the syntax error (file:line:col); in a tree, such a
// file becomes an iam-parse-error finding and the scan goes on.
func (s *Scanner) Scan(ctx context.Context, root string) (evidence.Set, error) {
	info, err := os.Stat(root)
	if err != nil {
		return evidence.Set{}, fmt.Errorf("scan iam: %w", err)
	}
	single := !info.IsDir()
	inv := &Inventory{}
	sources := map[string][]byte{}
	var set evidence.Set
	var parseErrs []parseError
	tfDirs := map[string][]terraform.File{}
	err = repofs.Walk(ctx, root, repofs.Options{MaxSize: maxFileSize}, func(f repofs.File) error {
		kind := fileKind(f.Rel)
		if kind == kindNone {
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
		if kind == kindTerraform {
			dir := path.Dir(f.Rel)
			tfDirs[dir] = append(tfDirs[dir], terraform.File{Rel: f.Rel, Src: src})
			return nil
		}
		if !single && !mayHoldPolicy(src) {
			return nil
		}
		n, perr := parseDocument(f.Rel, src)
		if perr != nil {
			parseErrs = append(parseErrs, parseError{f.Rel, perr})
			return nil
		}
		readDocumentFile(inv, f.Rel, n)
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
			parseErrs = append(parseErrs, parseError{diag.File, diag})
		}
		for _, e := range readTerraform(inv, m) {
			parseErrs = append(parseErrs, parseError{"", e})
		}
	}
	if single && len(parseErrs) > 0 {
		return evidence.Set{}, parseErrs[0].err
	}
	for _, pe := range parseErrs {
		set.Findings = append(set.Findings, parseFinding(pe))
	}
	set.Add(Analyse(inv))
	set.Findings = evidence.DropAllowed(set.Findings, sources, "iac-", "iam-")
	set.Sort()
	return set, nil
}

type parseError struct {
	file string
	err  error
}

func parseFinding(pe parseError) evidence.Finding {
	f := evidence.Finding{Scanner: "iam", Rule: ruleParseError.ID, Severity: ruleParseError.Severity, File: pe.file, Message: pe.err.Error()}
	switch e := pe.err.(type) {
	case *SyntaxError:
		f.File, f.Line, f.Column, f.Message = e.File, e.Line, e.Column, "does not parse: "+e.Msg
	case terraform.Diagnostic:
		f.File, f.Line, f.Column, f.Message = e.File, e.Line, e.Column, "does not parse: "+e.Message
	}
	f.Fingerprint = fingerprint(f.Rule, f.File, f.Message)
	return f
}

type fileKindT int

const (
	kindNone fileKindT = iota
	kindTerraform
	kindDocument
)

func fileKind(rel string) fileKindT {
	base := strings.ToLower(path.Base(rel))
	switch {
	case terraform.IsTerraformFile(base):
		return kindTerraform
	case strings.HasSuffix(base, ".json"), strings.HasSuffix(base, ".yaml"), strings.HasSuffix(base, ".yml"),
		strings.HasSuffix(base, ".template"):
		return kindDocument
	}
	return kindNone
}

// mayHoldPolicy is a cheap filter that keeps the scan from parsing every
// JSON and YAML file of a repository (package locks, manifests, workflows).
func mayHoldPolicy(src []byte) bool {
	return bytes.Contains(src, []byte("Statement")) || bytes.Contains(src, []byte("AWS::")) || mayBeServerless(src)
}

// parseDocument parses JSON or YAML by its first significant byte.
func parseDocument(rel string, src []byte) (*yaml.Node, error) {
	trimmed := bytes.TrimLeft(src, " \t\r\n\ufeff")
	if len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[') && !strings.HasSuffix(rel, ".yaml") && !strings.HasSuffix(rel, ".yml") {
		return parseJSON(rel, src)
	}
	return parseYAML(rel, src)
}

// Analyse applies every rule to an inventory.
func Analyse(inv *Inventory) evidence.Set {
	var set evidence.Set
	owners := inv.owners()
	trusted := map[*Document][]*Identity{}
	for _, id := range inv.Identities {
		if id.Trust != nil {
			trusted[id.Trust] = append(trusted[id.Trust], id)
		}
	}
	bad := map[string]bool{}
	emit := func(info RuleInfo, h hit, file, resource string) {
		sev := info.Severity
		if h.Severity > sev || (h.Severity != 0 && h.Severity < sev) {
			sev = h.Severity
		}
		if h.File != "" {
			file = h.File
		}
		set.Findings = append(set.Findings, evidence.Finding{
			Scanner: "iam", Rule: info.ID, Severity: sev, Message: h.Msg,
			File: file, Line: h.Line, Resource: resource, Property: info.Property,
			Fingerprint: fingerprint(info.ID, resource, h.Key),
		})
		if info.Property == evidence.LeastPrivilege {
			bad[resource] = true
		}
	}
	for _, d := range inv.Docs {
		for _, s := range d.Statements {
			s.file = d.File
		}
	}
	for _, d := range inv.Docs {
		resource := d.Name
		if ids := owners[d]; len(ids) == 1 {
			resource = ids[0].Name
		}
		switch d.Kind {
		case Trust:
			// A trust policy is about the role that carries it.
			if ids := trusted[d]; len(ids) == 1 {
				resource = ids[0].Name
			}
			for _, h := range checkPublicTrust(d) {
				h.Msg = resource + ": " + h.Msg
				emit(rulePublicTrust, h, d.File, resource)
			}
			continue
		case ResourcePolicy:
			continue
		}
		before := len(set.Findings)
		for _, s := range d.Statements {
			for _, c := range statementChecks {
				hits := c.check(d, s)
				for _, h := range hits {
					h.Msg = label(d, resource) + " " + h.Msg
					emit(c.info, h, d.File, resource)
				}
				if c.exclusive && len(hits) > 0 {
					break
				}
			}
		}
		if len(owners[d]) == 0 {
			for _, h := range escalation(d.Statements) {
				h.Msg = label(d, resource) + " " + h.Msg
				emit(rulePrivilegeEscalation, h, d.File, resource)
			}
		}
		if len(set.Findings) > before {
			bad[d.Name] = true
		}
	}
	for _, id := range inv.Identities {
		var sts []*Statement
		for _, d := range id.Docs {
			sts = append(sts, d.Statements...)
		}
		for _, h := range escalation(sts) {
			h.File = fileOfLine(sts, h.Line, id.File)
			h.Msg = id.Kind + " " + id.Name + " " + h.Msg
			emit(rulePrivilegeEscalation, h, id.File, id.Name)
		}
		for _, c := range identityChecks {
			for _, h := range c.check(id) {
				emit(c.info, h, id.File, id.Name)
			}
		}
		for _, d := range id.Docs {
			if bad[d.Name] {
				bad[id.Name] = true
			}
		}
	}
	for _, d := range inv.Docs {
		if d.Kind != Permissions {
			continue
		}
		set.Observations = append(set.Observations, observation(evidence.LeastPrivilege, d.Name, !bad[d.Name], d.File, d.Line,
			fmt.Sprintf("%d statement(s)", len(d.Statements))))
	}
	for _, id := range inv.Identities {
		set.Observations = append(set.Observations, observation(evidence.LeastPrivilege, id.Name, !bad[id.Name], id.File, id.Line,
			fmt.Sprintf("%d policy document(s), %d managed policy attachment(s)", len(id.Docs), len(id.Managed))))
		uses := id.distinctUses()
		detail := "no component in this configuration runs as it"
		if len(uses) > 0 {
			names := make([]string, len(uses))
			for i, u := range uses {
				names[i] = u.Component
			}
			detail = "used by " + strings.Join(names, ", ")
		}
		set.Observations = append(set.Observations, observation(evidence.UnsharedIdentity, id.Name, len(id.sharedBy()) <= 1, id.File, id.Line, detail))
		// Each instance of a for_each or count identity is observed under
		// its own address, as a model names one bot's role.
		for _, in := range id.Instances {
			set.Observations = append(set.Observations, observation(evidence.LeastPrivilege, in.Name, !bad[id.Name], id.File, id.Line, "instance of "+id.Name))
			uses := id.usesOf(in.Key)
			names := make([]string, len(uses))
			for i, u := range uses {
				names[i] = u.Component
			}
			detail := "no component in this configuration runs as it"
			if len(names) > 0 {
				detail = "used by " + strings.Join(names, ", ")
			}
			set.Observations = append(set.Observations, observation(evidence.UnsharedIdentity, in.Name, len(uses) <= 1, id.File, id.Line, detail))
		}
	}
	return set
}

func observation(p evidence.Property, subject string, holds bool, file string, line int, detail string) evidence.Observation {
	return evidence.Observation{Scanner: "iam", Property: p, Subject: subject, Holds: holds, File: file, Line: line, Detail: detail}
}

// label names a policy in a message.
func label(d *Document, resource string) string {
	if d.Name == resource {
		return "policy " + d.Name
	}
	return resource + " (policy " + d.Name + ")"
}

// fileOfLine finds the file of the statement an identity-wide hit points at.
func fileOfLine(sts []*Statement, line int, fallback string) string {
	for _, s := range sts {
		for _, vs := range [][]Value{s.Actions, s.NotActions} {
			for _, v := range vs {
				if v.Line == line {
					return s.file
				}
			}
		}
	}
	return fallback
}

// fingerprint is a stable id for a finding that does not change when lines
// move, so that baselines and suppressions survive edits.
func fingerprint(parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(h[:8])
}
