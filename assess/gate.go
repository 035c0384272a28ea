package assess

import (
	"cmp"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/evidence"
)

// Problem kinds the gate reports.
const (
	ProblemOpenThreat    = "open-threat"
	ProblemFailing       = "failing-control"
	ProblemExpired       = "expired-acceptance"
	ProblemSecret        = "secret"
	ProblemUnmodeled     = "unmodeled-surface"
	ProblemReviewOverdue = "review-overdue"
	ProblemUnchecked     = "unchecked-dependencies"
)

// Problem is one reason `threatmap check` fails.
type Problem struct {
	Kind string `json:"kind"`
	// ID is the threat, control or finding the problem is about.
	ID       string             `json:"id"`
	Title    string             `json:"title"`
	Message  string             `json:"message"`
	Priority int                `json:"priority,omitempty"`
	Severity threatmap.Severity `json:"severity"`
	Pos      threatmap.Position `json:"location"`
	// Rule is the threat rule or scanner rule behind the problem.
	Rule string `json:"rule,omitempty"`
}

// Gate applies the model's policy to the assessment and returns every
// problem that fails the build, most urgent first.
func (a *Assessment) Gate() []Problem {
	m := a.Model
	p := m.Policy
	var out []Problem
	on := func(b *bool) bool { return b == nil || *b }
	for _, t := range a.Threats {
		switch {
		case t.Status == StatusExpired && on(p.ExpiredAccepts):
			out = append(out, Problem{Kind: ProblemExpired, ID: t.ID, Rule: t.Rule, Title: t.Title, Priority: t.Priority, Severity: t.Impact, Pos: t.Pos,
				Message: fmt.Sprintf("%s on %s: %s; decide again and update responses:", t.Title, t.Surface, t.Note)})
		case t.Status == StatusFailing && on(p.FailingControls):
			out = append(out, Problem{Kind: ProblemFailing, ID: t.ID, Rule: t.Rule, Title: t.Title, Priority: t.Priority, Severity: t.Impact, Pos: t.Pos,
				Message: fmt.Sprintf("P%d %s on %s (%s) is answered by a control the evidence contradicts: %s", t.Priority, t.Title, t.Surface, t.ID, t.Note)})
		case IsOpen(t.Status) && !t.Secondary && p.FailPriority > 0 && t.Priority <= p.FailPriority:
			msg := fmt.Sprintf("P%d %s on %s is %s (%s)", t.Priority, t.Title, t.Surface, t.Status, t.ID)
			if t.Status == StatusOpen {
				msg += ": respond under responses: or add a control; threatmap explain " + t.Rule + " says how"
			} else if t.Note != "" {
				msg += ": " + t.Note
			}
			out = append(out, Problem{Kind: ProblemOpenThreat, ID: t.ID, Rule: t.Rule, Title: t.Title, Priority: t.Priority, Severity: t.Impact, Pos: t.Pos, Message: msg})
		}
	}
	if on(p.FailingControls) {
		for _, c := range a.Controls {
			if c.Status == ControlFailing {
				out = append(out, Problem{Kind: ProblemFailing, ID: c.ID, Title: "control " + c.ID + " failing", Severity: threatmap.High, Pos: c.Pos,
					Message: fmt.Sprintf("control %s (%s) is claimed %s but the evidence contradicts it: %s", c.ID, c.Kind, c.Claimed, strings.Join(c.Refute, "; "))})
			}
		}
	}
	if p.AdvisoryDB != nil && *p.AdvisoryDB {
		out = append(out, a.uncheckedDependencies()...)
	}
	if on(p.Secrets) {
		for _, f := range a.Evidence.Findings {
			// A hygiene note (.gitignore lacks .env: low severity) is not a
			// secret; the threats and controls it feeds say what it means.
			// A committed .env file (high) holds credentials and counts.
			if f.Scanner != "secrets" || (f.Property == evidence.EnvIgnored && f.Severity <= threatmap.Low) {
				continue
			}
			pos := f.Pos()
			pos.File = filepath.Join(m.Dir, filepath.FromSlash(f.File))
			where := ""
			if f.Commit != "" {
				where = " in commit " + f.Commit
			}
			msg := f.Message + where
			if f.Secret != "" {
				msg = fmt.Sprintf("%s (%s)%s: rotate it, then load it from the environment or a secret store", f.Message, f.Secret, where)
			}
			out = append(out, Problem{Kind: ProblemSecret, ID: f.Fingerprint, Rule: f.Rule, Title: f.Rule, Severity: threatmap.Critical, Pos: pos, Message: msg})
		}
	}
	if on(p.UnclaimedFindings) {
		out = append(out, a.unclaimedProblems()...)
	}
	if on(p.Unmodeled) {
		for _, r := range a.Unmodeled {
			out = append(out, Problem{Kind: ProblemUnmodeled, ID: r.Method + " " + r.Path, Title: "unmodeled route", Severity: threatmap.Medium,
				Pos:     threatmap.Position{File: filepath.Join(m.Dir, filepath.FromSlash(r.File)), Line: r.Line},
				Message: fmt.Sprintf("%s %s is served by the code but missing from the model: add it under surfaces: (or remove the route)", r.Method, r.Path)})
		}
	}
	if on(p.ReviewOverdue) && reviewOverdue(a) {
		s := m.System
		msg := "the model has never been reviewed"
		if !s.Reviewed.IsZero() {
			msg = fmt.Sprintf("the model was last reviewed on %s and must be reviewed every %s", s.Reviewed, s.ReviewEvery)
		}
		out = append(out, Problem{Kind: ProblemReviewOverdue, ID: "review", Title: "review overdue", Severity: threatmap.Medium, Pos: s.Loc.At("reviewed"),
			Message: msg + ": check it against what runs, then record the review with threatmap review"})
	}
	slices.SortStableFunc(out, func(x, y Problem) int {
		return cmp.Or(
			cmp.Compare(kindOrder(x.Kind), kindOrder(y.Kind)),
			cmp.Compare(priorityOrder(x.Priority), priorityOrder(y.Priority)),
			cmp.Compare(x.Pos.File, y.Pos.File),
			cmp.Compare(x.Pos.Line, y.Pos.Line),
			cmp.Compare(x.ID, y.ID),
		)
	})
	return out
}

func kindOrder(k string) int {
	return slices.Index([]string{ProblemSecret, ProblemFailing, ProblemOpenThreat, ProblemUnclaimed, ProblemExpired, ProblemUnmodeled, ProblemReviewOverdue}, k)
}

func priorityOrder(p int) int {
	if p == 0 {
		return 99
	}
	return p
}

// reviewOverdue reports whether the last review is older than the review
// period, or there was never one while a period is set.
func reviewOverdue(a *Assessment) bool {
	s := a.Model.System
	if s.ReviewEvery.IsZero() || s.ReviewEvery.Never {
		return false
	}
	if s.Reviewed.IsZero() {
		return true
	}
	return a.Now.After(s.Reviewed.Add(s.ReviewEvery.Value))
}

// ReviewOverdue reports whether the model's review is overdue.
func (a *Assessment) ReviewOverdue() bool { return reviewOverdue(a) }
