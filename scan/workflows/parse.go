package workflows

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/rhysd/actionlint"
)

// Workflow is a parsed workflow with what the checks need besides the
// syntax tree: its path, its source lines and its triggers.
type Workflow struct {
	File string
	AST  *actionlint.Workflow
	// Lines are the source lines, for locating expressions inside
	// multi-line scripts.
	Lines []string
	// Triggers maps event names to where they are declared.
	Triggers map[string]*actionlint.Pos
	// Jobs are the workflow's jobs in source order.
	Jobs []*actionlint.Job
	// action is set for the steps of a composite action, audited as one
	// job: its inputs come from callers and it has no triggers.
	action bool
	// index tells what the repository's local actions and reusable
	// workflows do with their inputs; nil when unknown.
	index Index
}

// ParseError is a workflow that is not valid YAML or not a workflow.
type ParseError struct {
	File      string
	Line, Col int
	Msg       string
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
}

// Parse reads a workflow. actionlint's parser reports schema problems as
// well as syntax errors; only errors that leave nothing to audit (bad YAML,
// a document that is not a mapping, no triggers and no jobs) are returned,
// because a workflow GitHub rejects for a typo is still worth auditing.
func Parse(file string, data []byte) (*Workflow, error) {
	ast, errs := actionlint.Parse(data)
	if ast == nil || len(ast.On) == 0 && len(ast.Jobs) == 0 {
		e := &ParseError{File: file, Line: 1, Col: 1, Msg: "not a workflow: no on: and no jobs:"}
		if len(errs) > 0 {
			// The parser may point one line past the end of a file that
			// holds only a document marker; keep positions inside it.
			e.Line = min(max(errs[0].Line, 1), lineCount(data))
			e.Col, e.Msg = max(errs[0].Column, 1), errs[0].Message
		}
		return nil, e
	}
	w := &Workflow{File: file, AST: ast, Lines: strings.Split(string(data), "\n"), Triggers: map[string]*actionlint.Pos{}}
	for _, ev := range ast.On {
		name := strings.ToLower(ev.EventName())
		var pos *actionlint.Pos
		if we, ok := ev.(*actionlint.WebhookEvent); ok {
			pos = we.Pos
		}
		w.Triggers[name] = orPos(pos)
	}
	for _, j := range ast.Jobs {
		if j != nil {
			w.Jobs = append(w.Jobs, j)
		}
	}
	slices.SortFunc(w.Jobs, func(a, b *actionlint.Job) int {
		pa, pb := orPos(a.Pos), orPos(b.Pos)
		if pa.Line != pb.Line {
			return pa.Line - pb.Line
		}
		return strings.Compare(jobID(a), jobID(b))
	})
	return w, nil
}

// orPos never returns nil, so that checks can read Line and Col safely.
func orPos(p *actionlint.Pos) *actionlint.Pos {
	if p == nil {
		return &actionlint.Pos{Line: 1, Col: 1}
	}
	return p
}

func jobID(j *actionlint.Job) string {
	if j.ID != nil {
		return j.ID.Value
	}
	return ""
}

func str(s *actionlint.String) string {
	if s == nil {
		return ""
	}
	return s.Value
}

// hasTrigger reports whether the workflow runs on any of the events.
func (w *Workflow) hasTrigger(events ...string) (string, bool) {
	for _, e := range events {
		if _, ok := w.Triggers[e]; ok {
			return e, true
		}
	}
	return "", false
}

// lineCount counts lines the way YAML does (a lone carriage return ends a
// line too).
func lineCount(data []byte) int {
	n := 1
	for i, b := range data {
		if b == '\n' || b == '\r' && (i+1 == len(data) || data[i+1] != '\n') {
			n++
		}
	}
	return n
}

// jobContainer is a container a job runs: its own or a service's.
type jobContainer struct {
	what string // "the job container", "the service db"
	c    *actionlint.Container
}

// containers lists the job's container, then its services' in name order.
func containers(j *actionlint.Job) []jobContainer {
	var out []jobContainer
	if j.Container != nil {
		out = append(out, jobContainer{"the job container", j.Container})
	}
	if j.Services != nil {
		names := make([]string, 0, len(j.Services.Value))
		for n := range j.Services.Value {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			if s := j.Services.Value[n]; s != nil && s.Container != nil {
				out = append(out, jobContainer{"the service " + n, s.Container})
			}
		}
	}
	return out
}
