package workflows

import (
	"fmt"
	"strings"

	"github.com/rhysd/actionlint"

	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/evidence"
)

// actionRef is a parsed "uses:" value.
type actionRef struct {
	raw   string
	owner string
	repo  string // owner/repo
	ref   string
	// local is a ./path action in the same repository; docker is a
	// docker:// image.
	local, docker bool
}

func parseUses(uses string) actionRef {
	// A block scalar (uses: |) carries a trailing newline GitHub ignores.
	uses = strings.TrimSpace(uses)
	r := actionRef{raw: uses}
	switch {
	case strings.HasPrefix(uses, "./") || strings.HasPrefix(uses, "../"):
		r.local = true
		return r
	case strings.HasPrefix(uses, "docker://"):
		r.docker = true
		if _, digest, ok := strings.Cut(uses, "@"); ok {
			r.ref = digest
		}
		return r
	}
	path, ref, _ := strings.Cut(uses, "@")
	r.ref = ref
	parts := strings.SplitN(path, "/", 3)
	r.owner = strings.ToLower(parts[0])
	if len(parts) >= 2 {
		r.repo = strings.ToLower(parts[0] + "/" + parts[1])
	}
	return r
}

// firstParty reports whether GitHub itself maintains the action.
func (r actionRef) firstParty() bool { return r.owner == "actions" || r.owner == "github" }

// pinned reports whether the reference is immutable: a full commit SHA, or
// a digest for docker images. Local actions come from the checked-out
// commit itself.
func (r actionRef) pinned() bool {
	switch {
	case r.local:
		return true
	case r.docker:
		return strings.HasPrefix(r.ref, "sha256:") && len(r.ref) == 71
	}
	return isFullSHA(r.ref)
}

func isFullSHA(ref string) bool {
	if len(ref) != 40 {
		return false
	}
	for _, c := range ref {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// looksLikeBranch guesses whether a ref is a branch rather than a release
// tag: release tags carry digits (v4, v1.2.3), branch names usually do not.
func looksLikeBranch(ref string) bool {
	switch ref {
	case "master", "main", "develop", "dev", "trunk", "latest", "HEAD", "":
		return true
	}
	return !strings.ContainsAny(ref, "0123456789")
}

// unpinnedSeverity ranks an unpinned reference: a third-party branch is the
// seed's trivy-action@master case, the worst; a GitHub-owned tag the least.
func unpinnedSeverity(r actionRef) threatmap.Severity {
	branch := looksLikeBranch(r.ref)
	switch {
	case r.docker:
		return threatmap.Medium
	case r.firstParty() && branch:
		return threatmap.Medium
	case r.firstParty():
		return threatmap.Low
	case branch:
		return threatmap.High
	}
	return threatmap.Medium
}

// usesSites lists every uses: in a workflow with its job: steps and
// reusable-workflow calls.
type usesSite struct {
	job  *actionlint.Job
	step *actionlint.Step // nil for a job-level reusable workflow call
	uses *actionlint.String
}

func (w *Workflow) usesSites() []usesSite {
	var out []usesSite
	for _, j := range w.Jobs {
		if j.WorkflowCall != nil && j.WorkflowCall.Uses != nil {
			out = append(out, usesSite{job: j, uses: j.WorkflowCall.Uses})
		}
		for _, s := range j.Steps {
			if a, ok := s.Exec.(*actionlint.ExecAction); ok && a.Uses != nil {
				out = append(out, usesSite{job: j, step: s, uses: a.Uses})
			}
		}
	}
	return out
}

func checkUnpinnedActions(w *Workflow) []evidence.Finding {
	var out []evidence.Finding
	for _, site := range w.usesSites() {
		r := parseUses(site.uses.Value)
		// References GitHub does not define ($/path) are not judged.
		if r.pinned() || strings.Contains(r.raw, "${{") || strings.HasPrefix(r.raw, "$") || tagRequired(r) {
			continue
		}
		what := "action"
		if site.step == nil {
			what = "reusable workflow"
		}
		var msg string
		switch {
		case r.docker:
			msg = fmt.Sprintf("docker image %s is not pinned to a sha256 digest: the tag can be repointed at any image", r.raw)
		case r.ref == "":
			msg = fmt.Sprintf("%s %s has no @ref at all", what, r.raw)
		case looksLikeBranch(r.ref):
			msg = fmt.Sprintf("%s %s follows the branch %q: every push to it runs in this pipeline; pin a full commit SHA", what, r.raw, r.ref)
		default:
			msg = fmt.Sprintf("%s %s is pinned to the tag %q, which can be moved; pin a full commit SHA", what, r.raw, r.ref)
		}
		pos := site.uses.Pos
		if strings.HasSuffix(site.uses.Value, "\n") && pos != nil {
			// A block scalar's value starts on the line below its indicator.
			pos = &actionlint.Pos{Line: pos.Line + 1, Col: pos.Col}
		}
		out = append(out, w.finding(RuleUnpinnedAction, unpinnedSeverity(r), pos, site.job, evidence.ActionsPinned, msg))
	}
	return out
}

// tagRequired reports references that must name a release tag: the SLSA
// generator's reusable workflows verify their own tag to produce
// provenance, and fail when called by commit SHA.
func tagRequired(r actionRef) bool {
	return r.repo == "slsa-framework/slsa-github-generator" && strings.Contains(r.raw, "/.github/workflows/") &&
		strings.HasPrefix(r.ref, "v") && !looksLikeBranch(r.ref)
}
