package cli

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/threatmap/threatmap/assess"
	"github.com/threatmap/threatmap/model"
	"github.com/threatmap/threatmap/report"
)

// Row changes a diff reports.
const (
	changeAdded   = "added"
	changeRemoved = "removed"
	changeChanged = "changed"
)

// diffRow is one threat that a change adds, removes or alters.
type diffRow struct {
	Change   string `json:"change"`
	ID       string `json:"id"`
	Title    string `json:"title"`
	Surface  string `json:"surface"`
	Priority int    `json:"priority"`
	Status   string `json:"status"`
	// Before holds the old priority and status of a changed row.
	BeforePriority int    `json:"before_priority,omitempty"`
	BeforeStatus   string `json:"before_status,omitempty"`
}

type diffDoc struct {
	Base    string    `json:"base"`
	Head    string    `json:"head"`
	Model   string    `json:"model"`
	Rows    []diffRow `json:"rows"`
	Added   int       `json:"added"`
	Removed int       `json:"removed"`
	Changed int       `json:"changed"`
}

func (c *Command) diffCmd() *cobra.Command {
	var format, modelPath string
	var failOnAdded bool
	cmd := &cobra.Command{
		Use:   "diff BASE [HEAD]",
		Short: "Show what a change adds to the threat map, between two git revisions",
		Long: `diff builds the threat map at BASE and at HEAD (the working tree when HEAD
is left out), each from the model and the code as they were at that
revision, and prints the threats the change adds, removes, or changes in
priority or status: Markdown fit for a pull-request comment, or JSON.

  threatmap diff origin/main            # this branch's working tree against main
  threatmap diff v1.2.0 v1.3.0 --model services/api`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "md" && format != "json" {
				return usageError("unknown --format %q (want md or json)", format)
			}
			base, head := args[0], ""
			if len(args) == 2 {
				head = args[1]
			}
			doc, err := c.diff(cmd.Context(), base, head, modelPath)
			if err != nil {
				return err
			}
			if format == "json" {
				if err := report.WriteJSON(c.Stdout, doc); err != nil {
					return err
				}
			} else {
				writeDiffMarkdown(c, doc)
			}
			if failOnAdded {
				for _, r := range doc.Rows {
					if r.Change == changeAdded && assess.IsOpen(r.Status) {
						return errFindings
					}
				}
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "md", "output format: md or json")
	cmd.Flags().StringVar(&modelPath, "model", ".", "the model's directory or file, relative to the repository root")
	cmd.Flags().BoolVar(&failOnAdded, "fail-on-added", false, "exit 1 when the change adds an open threat")
	return cmd
}

func (c *Command) git(ctx context.Context, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = c.Dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}

func (c *Command) diff(ctx context.Context, base, head, modelPath string) (*diffDoc, error) {
	top, err := c.git(ctx, "rev-parse", "--show-toplevel")
	if err != nil {
		return nil, inputError(fmt.Errorf("diff needs a git repository: %w", err))
	}
	root := strings.TrimSpace(string(top))
	rel := path.Clean(filepath.ToSlash(modelPath))
	if strings.HasPrefix(rel, "../") || rel == ".." || filepath.IsAbs(modelPath) {
		return nil, usageError("--model must be a path inside the repository, relative to its root")
	}
	before, err := c.threatsAt(ctx, base, root, rel)
	if err != nil {
		return nil, err
	}
	after, err := c.threatsAt(ctx, head, root, rel)
	if err != nil {
		return nil, err
	}
	headName := head
	if headName == "" {
		headName = "working tree"
	}
	doc := &diffDoc{Base: base, Head: headName, Model: rel, Rows: []diffRow{}}
	for id, t := range after {
		b, ok := before[id]
		switch {
		case !ok:
			doc.Rows = append(doc.Rows, diffRow{Change: changeAdded, ID: id, Title: t.Title, Surface: t.Surface, Priority: t.Priority, Status: t.Status})
		case b.Priority != t.Priority || b.Status != t.Status:
			doc.Rows = append(doc.Rows, diffRow{Change: changeChanged, ID: id, Title: t.Title, Surface: t.Surface, Priority: t.Priority, Status: t.Status, BeforePriority: b.Priority, BeforeStatus: b.Status})
		}
	}
	for id, b := range before {
		if _, ok := after[id]; !ok {
			doc.Rows = append(doc.Rows, diffRow{Change: changeRemoved, ID: id, Title: b.Title, Surface: b.Surface, Priority: b.Priority, Status: b.Status})
		}
	}
	order := map[string]int{changeAdded: 0, changeChanged: 1, changeRemoved: 2}
	sort.Slice(doc.Rows, func(i, j int) bool {
		a, b := doc.Rows[i], doc.Rows[j]
		if order[a.Change] != order[b.Change] {
			return order[a.Change] < order[b.Change]
		}
		if a.Priority != b.Priority {
			return a.Priority < b.Priority
		}
		return a.ID < b.ID
	})
	for _, r := range doc.Rows {
		switch r.Change {
		case changeAdded:
			doc.Added++
		case changeRemoved:
			doc.Removed++
		default:
			doc.Changed++
		}
	}
	return doc, nil
}

// threatsAt analyses the model at rel as it was at rev (the working tree
// when rev is empty). A revision without the model has no threats.
func (c *Command) threatsAt(ctx context.Context, rev, root, rel string) (map[string]assess.Threat, error) {
	dir := root
	if rev != "" {
		if _, err := c.git(ctx, "rev-parse", "--verify", "--quiet", rev+"^{commit}"); err != nil {
			return nil, usageError("diff: %q is not a commit in this repository", rev)
		}
		tmp, err := os.MkdirTemp("", "threatmap-diff-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(tmp)
		archive, err := c.git(ctx, "archive", "--format=tar", rev)
		if err != nil {
			return nil, inputError(err)
		}
		if err := extractTar(bytes.NewReader(archive), tmp); err != nil {
			return nil, fmt.Errorf("diff: unpack %s: %w", rev, err)
		}
		dir = tmp
	}
	target := filepath.Join(dir, filepath.FromSlash(rel))
	if _, err := model.Find(target); err != nil {
		return map[string]assess.Threat{}, nil
	}
	sub := *c
	sub.Dir = ""
	sub.Stderr = io.Discard
	an, err := sub.analyze(ctx, target, analyzeOptions{})
	if err != nil {
		name := rev
		if name == "" {
			name = "the working tree"
		}
		return nil, inputError(fmt.Errorf("diff: the model at %s does not load: %w", name, err))
	}
	out := map[string]assess.Threat{}
	for _, t := range an.result.Threats {
		out[t.ID] = t
	}
	return out, nil
}

// extractTar unpacks regular files and directories from a git archive into
// dir. Links and names that would land outside dir are skipped, so the
// unpacked tree can never point outside itself.
func extractTar(r io.Reader, dir string) error {
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		name := path.Clean(h.Name)
		if name == "." || strings.HasPrefix(name, "../") || path.IsAbs(name) {
			continue
		}
		target := filepath.Join(dir, filepath.FromSlash(name))
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(target, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				return err
			}
			f, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
			if err != nil {
				return err
			}
			if _, err := io.Copy(f, tr); err != nil {
				f.Close()
				return err
			}
			if err := f.Close(); err != nil {
				return err
			}
		}
	}
}

func writeDiffMarkdown(c *Command, doc *diffDoc) {
	var b strings.Builder
	fmt.Fprintf(&b, "### Threat map changes (%s → %s)\n\n", doc.Base, doc.Head)
	if len(doc.Rows) == 0 {
		b.WriteString("This change adds no row to the threat map.\n")
		fmt.Fprint(c.Stdout, b.String())
		return
	}
	fmt.Fprintf(&b, "**%d added**, %d removed, %d changed.\n\n", doc.Added, doc.Removed, doc.Changed)
	b.WriteString("| Change | Threat | Surface | Priority | Status |\n|---|---|---|---|---|\n")
	for _, r := range doc.Rows {
		prio := fmt.Sprintf("P%d", r.Priority)
		status := r.Status
		if r.Change == changeChanged {
			if r.BeforePriority != r.Priority {
				prio = fmt.Sprintf("P%d → P%d", r.BeforePriority, r.Priority)
			}
			if r.BeforeStatus != r.Status {
				status = r.BeforeStatus + " → " + r.Status
			}
		}
		fmt.Fprintf(&b, "| %s | %s (`%s`) | %s | %s | %s |\n", r.Change, mdCell(r.Title), r.ID, mdCell(r.Surface), prio, status)
	}
	fmt.Fprint(c.Stdout, b.String())
}

func mdCell(s string) string { return strings.ReplaceAll(strings.ReplaceAll(s, "|", `\|`), "\n", " ") }
