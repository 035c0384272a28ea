package workflows

import (
	"fmt"
	"sort"
	"strings"

	"github.com/rhysd/actionlint"

	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/evidence"
)

// checkPermissions flags jobs whose GITHUB_TOKEN permissions are left to
// the repository default, and grants of write-all or workflow-wide write
// scopes.
func checkPermissions(w *Workflow) []evidence.Finding {
	var out []evidence.Finding
	top := w.AST.Permissions
	if top != nil {
		out = append(out, broadPermissions(w, top, nil)...)
	}
	for _, j := range w.Jobs {
		if j.Permissions != nil {
			out = append(out, broadPermissions(w, j.Permissions, j)...)
			continue
		}
		if top == nil {
			out = append(out, w.finding(RuleMissingPermissions, threatmap.Medium, j.Pos, j, evidence.WorkflowPermissions,
				fmt.Sprintf("job %s sets no permissions: and neither does the workflow, so GITHUB_TOKEN gets the repository default (read-write on older repositories); add permissions: contents: read", jobID(j))))
		}
	}
	return out
}

func broadPermissions(w *Workflow, p *actionlint.Permissions, job *actionlint.Job) []evidence.Finding {
	where := "the workflow"
	if job != nil {
		where = "job " + jobID(job)
	}
	if p.All != nil {
		switch strings.ToLower(p.All.Value) {
		case "write-all":
			return []evidence.Finding{w.finding(RuleBroadPermissions, threatmap.High, p.All.Pos, job, evidence.WorkflowPermissions,
				fmt.Sprintf("%s grants permissions: write-all: any compromised step can push code, publish releases and packages, and change settings", where))}
		case "read-all":
			return []evidence.Finding{w.finding(RuleBroadPermissions, threatmap.Low, p.All.Pos, job, evidence.WorkflowPermissions,
				fmt.Sprintf("%s grants permissions: read-all: any compromised step can read every scope the token reaches (private repository contents, packages, security alerts, actions logs); grant only the scopes it reads, such as contents: read", where))}
		}
		return nil
	}
	if job != nil {
		return nil // write scopes on the job that needs them is the fix, not the problem
	}
	var writes []string
	var first *actionlint.Pos
	for name, s := range p.Scopes {
		if s != nil && s.Value != nil && strings.EqualFold(s.Value.Value, "write") {
			writes = append(writes, name)
			if pos := orPos(s.Name.Pos); first == nil || pos.IsBefore(first) {
				first = pos
			}
		}
	}
	if len(writes) == 0 || len(w.Jobs) < 2 {
		// With a single job, workflow-level and job-level grants are the
		// same thing.
		return nil
	}
	sort.Strings(writes)
	return []evidence.Finding{w.finding(RuleBroadPermissions, threatmap.Medium, first, nil, evidence.WorkflowPermissions,
		fmt.Sprintf("the workflow grants %s: write to all %d jobs; grant write scopes only to the job that needs them", strings.Join(writes, ", "), len(w.Jobs)))}
}

// tokenClause describes the GITHUB_TOKEN a job holds, for messages about
// what an attacker gets: nothing is said when the job's permissions (its
// own, or the workflow's) grant no write scope.
func (w *Workflow) tokenClause(j *actionlint.Job) string {
	p := w.AST.Permissions
	if j != nil && j.Permissions != nil {
		p = j.Permissions
	}
	switch {
	case p == nil:
		return " and a token that may write (no permissions: block, so the repository default applies)"
	case p.All != nil:
		if strings.EqualFold(p.All.Value, "write-all") {
			return " and a write token"
		}
		return ""
	}
	var writes []string
	for name, s := range p.Scopes {
		if s != nil && s.Value != nil && strings.EqualFold(s.Value.Value, "write") {
			writes = append(writes, name)
		}
	}
	if len(writes) == 0 {
		return ""
	}
	sort.Strings(writes)
	return " and a token that can write " + strings.Join(writes, ", ")
}
