package workflows

import (
	"fmt"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/threatmap/threatmap/evidence"
)

// actionPath matches action metadata files: a composite, Docker or
// JavaScript action's action.yml, wherever it sits in the repository.
var actionPath = regexp.MustCompile(`(^|/)action\.ya?ml$`)

// IsActionFile reports whether a slash-separated path relative to a scanned
// root is an action's metadata file.
func IsActionFile(rel string) bool { return actionPath.MatchString(rel) }

// actionIndent is how far the steps of a composite action are indented in
// the workflow that is built from them.
const actionIndent = 6

// syntheticHeader holds the steps of a composite action as one job; its
// line count is the offset subtracted from positions.
const syntheticHeader = "on: workflow_call\njobs:\n  composite:\n    runs-on: ubuntu-latest\n    steps:\n"

// actionFile is an action.yml read for auditing.
type actionFile struct {
	using string
	// image is runs.image of a Docker action.
	image     string
	imageLine int
	imageCol  int
	// steps is the workflow built from a composite action's steps, with
	// the line of the first step's source line.
	synthetic []byte
	firstLine int
}

// parseAction reads an action's metadata. A file that is not YAML, or not
// a mapping with runs:, is not an action and yields nil and no error only
// when it is plainly something else; a YAML error is returned.
func parseAction(data []byte) (*actionFile, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, nil
	}
	runs := mapValue(doc.Content[0], "runs")
	if runs == nil || runs.Kind != yaml.MappingNode {
		return nil, nil
	}
	a := &actionFile{}
	if u := mapValue(runs, "using"); u != nil {
		a.using = strings.ToLower(u.Value)
	}
	if img := mapValue(runs, "image"); img != nil && img.Kind == yaml.ScalarNode {
		a.image, a.imageLine, a.imageCol = img.Value, img.Line, img.Column
	}
	steps := mapValue(runs, "steps")
	if a.using != "composite" || steps == nil || steps.Kind != yaml.SequenceNode || len(steps.Content) == 0 {
		return a, nil
	}
	lines := strings.Split(string(data), "\n")
	first := steps.Content[0].Line
	last := lastLine(steps, len(lines))
	var b strings.Builder
	b.WriteString(syntheticHeader)
	for i := first - 1; i < last && i < len(lines); i++ {
		l := strings.TrimRight(lines[i], "\r")
		if strings.TrimSpace(l) != "" {
			b.WriteString(strings.Repeat(" ", actionIndent))
			// The sequence's own indentation is kept relative to its first
			// item, so that block scalars keep their indentation.
			b.WriteString(l)
		}
		b.WriteByte('\n')
	}
	a.synthetic, a.firstLine = []byte(b.String()), first
	return a, nil
}

// lastLine is the last source line a node's content can reach: the line
// before the next key at a lower indentation, or the end of the file.
func lastLine(n *yaml.Node, total int) int {
	end := n.Line
	var walk func(*yaml.Node)
	walk = func(x *yaml.Node) {
		if x.Line > end {
			end = x.Line
		}
		if x.Kind == yaml.ScalarNode {
			// A block scalar spans as many lines as it holds.
			if extra := strings.Count(strings.TrimRight(x.Value, "\n"), "\n"); x.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
				if e := x.Line + extra + 1; e > end {
					end = e
				}
			}
		}
		for _, c := range x.Content {
			walk(c)
		}
	}
	walk(n)
	return min(end, total)
}

func mapValue(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// actionChecks run on a composite action's steps: it has no triggers and
// no token permissions of its own.
var actionChecks = []check{
	checkUnpinnedActions,
	checkScriptInjection,
	checkSecretExposure,
}

// AuditAction checks one action metadata file: the steps of a composite
// action go through the same injection, pinning and secret checks as a
// workflow's, with the action's inputs counted as caller-controlled; a
// Docker action's image must be pinned by digest.
func AuditAction(rel string, data []byte) evidence.Set {
	return auditAction(rel, data, nil)
}

func auditAction(rel string, data []byte, idx Index) evidence.Set {
	a, err := parseAction(data)
	if err != nil {
		line := 1
		if m := yamlErrLine.FindStringSubmatch(err.Error()); m != nil {
			fmt.Sscan(m[1], &line)
		}
		return evidence.Set{Findings: []evidence.Finding{{
			Scanner: ScannerName, Rule: RuleUnparsable, Severity: ruleSeverity(RuleUnparsable),
			File: rel, Line: line, Column: 1, Message: "cannot audit action: " + err.Error(),
		}}}
	}
	if a == nil {
		return evidence.Set{}
	}
	var set evidence.Set
	if a.image != "" {
		if f, ok := imageFinding(a.image); ok {
			set.Findings = append(set.Findings, evidence.Finding{
				Scanner: ScannerName, Rule: RuleUnpinnedImage, Severity: f.sev, File: rel,
				Line: a.imageLine, Column: a.imageCol, Resource: rel, Property: evidence.ActionsPinned,
				Message: fmt.Sprintf("the Docker action runs the image %s, %s", a.image, f.why),
			})
		}
	}
	if a.synthetic == nil {
		return set
	}
	w, perr := Parse(rel, a.synthetic)
	if perr != nil {
		return set
	}
	w.action = true
	w.index = idx
	offset := a.firstLine - (strings.Count(syntheticHeader, "\n") + 1)
	for _, c := range actionChecks {
		for _, f := range c(w) {
			f.Line += offset
			f.Column = max(f.Column-actionIndent, 1)
			f.Resource = rel
			set.Findings = append(set.Findings, f)
		}
	}
	return set
}

// parseActionSteps returns a composite action's steps as a workflow, or
// nil when the file is not a composite action.
func parseActionSteps(rel string, data []byte) *Workflow {
	a, err := parseAction(data)
	if err != nil || a == nil || a.synthetic == nil {
		return nil
	}
	w, err := Parse(rel, a.synthetic)
	if err != nil {
		return nil
	}
	w.action = true
	return w
}

var yamlErrLine = regexp.MustCompile(`line (\d+)`)
