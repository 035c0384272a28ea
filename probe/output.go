package probe

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/evidence"
)

// redactedMark replaces every secret value in output.
const redactedMark = "[REDACTED]"

// redact replaces every secret the plan holds in s.
func (x *executor) redact(s string) string {
	for _, sec := range x.secrets {
		s = strings.ReplaceAll(s, sec, redactedMark)
	}
	return s
}

// Evidence turns the verdicts into observations (one per subject for every
// pass and fail) and findings (one per failure), sorted.
//
// An inconclusive verdict never verifies a control: a pass is not recorded
// for a property and subject that another probe of the same run could not
// judge (one exposed-file probe that cannot classify what it was served
// leaves "no exposed files" unverified, however many others passed).
func (r *Report) Evidence() evidence.Set {
	var set evidence.Set
	type key struct {
		prop    evidence.Property
		subject string
	}
	unsure := map[key]bool{}
	// unsureSystem marks properties a system-wide probe could not judge:
	// every observation also counts for the whole system, so no pass of
	// that property may stand.
	unsureSystem := map[evidence.Property]bool{}
	for _, res := range r.Results {
		if res.Outcome.Status != Inconclusive {
			continue
		}
		ck, _ := CheckByID(res.Probe.Check)
		for _, s := range append([]string{res.Probe.Subject}, res.Probe.Also...) {
			unsure[key{ck.Property, s}] = true
			if s == "" {
				unsureSystem[ck.Property] = true
			}
		}
	}
	for _, res := range r.Results {
		st := res.Outcome.Status
		if st != Pass && st != Fail {
			continue
		}
		ck, _ := CheckByID(res.Probe.Check)
		subjects := append([]string{res.Probe.Subject}, res.Probe.Also...)
		seen := map[string]bool{}
		for _, s := range subjects {
			if seen[s] || (st == Pass && (unsure[key{ck.Property, s}] || unsureSystem[ck.Property])) {
				continue
			}
			seen[s] = true
			set.Observations = append(set.Observations, evidence.Observation{
				Scanner: ScannerName, Property: ck.Property, Subject: s, Holds: st == Pass, Detail: res.Outcome.Detail,
			})
		}
		if st != Fail {
			continue
		}
		if len(res.Outcome.Findings) > 0 {
			set.Findings = append(set.Findings, res.Outcome.Findings...)
			continue
		}
		sev := ck.Severity
		if res.Outcome.Severity > threatmap.Info {
			sev = res.Outcome.Severity
		}
		set.Findings = append(set.Findings, evidence.Finding{
			Scanner:     ScannerName,
			Rule:        ck.ID,
			Severity:    sev,
			Message:     res.Outcome.Detail,
			Resource:    res.Probe.Resource,
			URL:         probeURL(r.Target, res),
			Property:    ck.Property,
			Fingerprint: fingerprint(r.Target, ck.ID, res.Probe.Subject, res.Probe.Resource),
		})
	}
	set.Sort()
	return set
}

// probeURL is the URL of a probe's first request, the location of its
// finding.
func probeURL(target string, res Result) string {
	for _, st := range res.Steps {
		if r := st.Step.Request; r != nil {
			u := strings.TrimSuffix(target, "/") + r.Path
			if r.Query != "" {
				u += "?" + r.Query
			}
			return u
		}
	}
	return strings.TrimSuffix(target, "/") + res.Probe.Resource
}

// fingerprint is stable across runs for the same target, check and
// subject, so that findings can be tracked and suppressed.
func fingerprint(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(sum[:8])
}

// Counts tallies verdicts.
func (r *Report) Counts() map[Status]int {
	c := map[Status]int{}
	for _, res := range r.Results {
		c[res.Outcome.Status]++
	}
	return c
}

// Failed reports whether any probe failed.
func (r *Report) Failed() bool { return r.Counts()[Fail] > 0 }

// WriteText renders the report for a terminal: one line per probe, failures
// first, with the detail beneath.
func (r *Report) WriteText(w io.Writer) error {
	c := r.Counts()
	fmt.Fprintf(w, "threatmap probe %s: %d probes, %d failed, %d passed, %d inconclusive, %d skipped (%d requests in %s)\n",
		r.Target, len(r.Results), c[Fail], c[Pass], c[Inconclusive], c[Skipped], r.Requests, r.Elapsed.Round(time.Millisecond))
	order := []Status{Fail, Inconclusive, Pass, Skipped}
	results := slices.Clone(r.Results)
	slices.SortStableFunc(results, func(a, b Result) int {
		return slices.Index(order, a.Outcome.Status) - slices.Index(order, b.Outcome.Status)
	})
	for _, res := range results {
		subj := res.Probe.Subject
		if subj == "" {
			subj = "(whole service)"
		}
		fmt.Fprintf(w, "\n%-12s %-27s %s\n", strings.ToUpper(string(res.Outcome.Status)), res.Probe.Check, subj)
		if res.Outcome.Detail != "" {
			fmt.Fprintf(w, "             %s\n", res.Outcome.Detail)
		}
	}
	_, err := fmt.Fprintln(w)
	return err
}

// WriteDryRun prints every request the plan would send, in order, with
// secret header values replaced by the variable they come from, and every
// probe that would be skipped with the reason. It sends nothing.
func (p *Plan) WriteDryRun(w io.Writer) error {
	total, probes := 0, 0
	if p.Baseline != nil {
		total++
	}
	for _, pr := range p.Probes {
		if pr.Skip != "" {
			continue
		}
		probes++
		for _, st := range pr.Steps {
			total += max(st.Repeat, 1)
		}
	}
	fmt.Fprintf(w, "# threatmap probe plan for %s: %d probes, at most %d requests (budget %d, %s per request, %s per probe, %s in all); nothing was sent\n",
		p.Target, probes, min(total, p.Options.MaxRequests), p.Options.MaxRequests, p.Options.Timeout, p.Options.ProbeTime, p.Options.MaxTime)
	for _, n := range p.Notes {
		fmt.Fprintf(w, "# note: %s\n", n)
	}
	if p.Baseline != nil {
		fmt.Fprintf(w, "\n## baseline: a path that cannot exist, to recognise catch-all pages\n")
		p.writeRequest(w, p.Baseline)
	}
	for _, pr := range p.Probes {
		subj := pr.Subject
		if subj == "" {
			subj = "(whole service)"
		}
		ck, _ := CheckByID(pr.Check)
		if pr.Skip != "" {
			fmt.Fprintf(w, "\n## %s %s (%s): skipped: %s\n", pr.Check, subj, ck.Property, pr.Skip)
			continue
		}
		for _, st := range pr.Steps {
			fmt.Fprintf(w, "\n## %s %s (%s): %s", pr.Check, subj, ck.Property, st.Name)
			if st.Repeat > 1 {
				fmt.Fprintf(w, ", up to %d times, stopping at the first %s", st.Repeat, statusList(st.StopOn))
			}
			fmt.Fprintln(w)
			switch {
			case st.TLS != nil:
				if st.TLS.MaxVersion != 0 {
					fmt.Fprintf(w, "TLS handshake with %s offering %s at most (must be refused)\n", hostPort(p.Target), versionName(st.TLS.MaxVersion))
				} else {
					fmt.Fprintf(w, "TLS handshake with %s, verifying the certificate for %s\n", hostPort(p.Target), p.Target.Hostname())
				}
			case st.Request != nil:
				p.writeRequest(w, st.Request)
			}
		}
		if len(pr.Steps) == 0 {
			fmt.Fprintf(w, "\n## %s %s (%s): judged from the target URL, no request\n", pr.Check, subj, ck.Property)
		}
	}
	return nil
}

func versionName(v uint16) string {
	switch v {
	case 0x0301:
		return "TLS 1.0"
	case 0x0302:
		return "TLS 1.1"
	case 0x0303:
		return "TLS 1.2"
	case 0x0304:
		return "TLS 1.3"
	}
	return fmt.Sprintf("0x%04x", v)
}

func statusList(codes []int) string {
	s := make([]string, len(codes))
	for i, c := range codes {
		s[i] = fmt.Sprint(c)
	}
	return strings.Join(s, " or ")
}

// writeRequest prints a request the way it goes on the wire: request line
// with the absolute URL, headers in sorted order, a blank line, the body.
func (p *Plan) writeRequest(w io.Writer, r *Request) {
	u := (&executor{target: p.Target}).url(r)
	fmt.Fprintf(w, "%s %s\n", r.Method, u.String())
	h := http.Header{}
	for k, v := range r.Header {
		h[k] = v
	}
	for k, label := range r.label {
		h[k] = []string{"<" + label + ">"}
	}
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		for _, v := range h[k] {
			fmt.Fprintf(w, "%s: %s\n", k, v)
		}
	}
	if len(r.Body) > 0 {
		if utf8.Valid(r.Body) {
			fmt.Fprintf(w, "\n%s\n", r.Body)
		} else {
			fmt.Fprintf(w, "\n<%d bytes of binary body>\n", len(r.Body))
		}
	}
}

// ProbeJSON is one probe's verdict in JSON output.
type ProbeJSON struct {
	Check    string            `json:"check"`
	Property evidence.Property `json:"property"`
	Subject  string            `json:"subject,omitempty"`
	Surface  string            `json:"surface,omitempty"`
	Status   Status            `json:"status"`
	Detail   string            `json:"detail,omitempty"`
	Requests int               `json:"requests"`
}

// ReportJSON is the JSON shape of `threatmap probe --format json`: the
// evidence Set's fields (findings, observations), so that the output can be
// read back as an evidence.Set, plus every probe's verdict, including the
// inconclusive and skipped ones the evidence leaves out.
type ReportJSON struct {
	Target       string                 `json:"target"`
	Requests     int                    `json:"requests"`
	Findings     []evidence.Finding     `json:"findings"`
	Observations []evidence.Observation `json:"observations"`
	Probes       []ProbeJSON            `json:"probes"`
}

// JSON returns the report's JSON document.
func (r *Report) JSON() ReportJSON {
	set := r.Evidence()
	doc := ReportJSON{Target: r.Target, Requests: r.Requests, Findings: set.Findings, Observations: set.Observations, Probes: []ProbeJSON{}}
	if doc.Findings == nil {
		doc.Findings = []evidence.Finding{}
	}
	if doc.Observations == nil {
		doc.Observations = []evidence.Observation{}
	}
	for _, res := range r.Results {
		ck, _ := CheckByID(res.Probe.Check)
		n := 0
		for _, st := range res.Steps {
			n += len(st.Responses)
		}
		doc.Probes = append(doc.Probes, ProbeJSON{
			Check: ck.ID, Property: ck.Property, Subject: res.Probe.Subject, Surface: res.Probe.Surface,
			Status: res.Outcome.Status, Detail: res.Outcome.Detail, Requests: n,
		})
	}
	return doc
}

// PlannedRequest is one request of a dry run in JSON.
type PlannedRequest struct {
	Check    string              `json:"check"`
	Property evidence.Property   `json:"property"`
	Subject  string              `json:"subject,omitempty"`
	Step     string              `json:"step"`
	Method   string              `json:"method,omitempty"`
	URL      string              `json:"url,omitempty"`
	Header   map[string][]string `json:"header,omitempty"`
	Body     string              `json:"body,omitempty"`
	// Repeat is the most times a burst sends the request; StopOn the
	// statuses that end it.
	Repeat int   `json:"repeat,omitempty"`
	StopOn []int `json:"stop_on,omitempty"`
	// TLS describes a handshake step instead of a request.
	TLS  string `json:"tls,omitempty"`
	Skip string `json:"skipped,omitempty"`
}

// PlanJSON is the JSON shape of `threatmap probe --dry-run --format json`.
type PlanJSON struct {
	Target      string           `json:"target"`
	MaxRequests int              `json:"max_requests"`
	Requests    []PlannedRequest `json:"requests"`
	Notes       []string         `json:"notes,omitempty"`
}

// JSON returns the plan as data: every request in order, secret header
// values replaced by the variable they come from, skipped probes with the
// reason.
func (p *Plan) JSON() PlanJSON {
	doc := PlanJSON{Target: p.Target.String(), MaxRequests: p.Options.MaxRequests, Notes: p.Notes, Requests: []PlannedRequest{}}
	x := &executor{target: p.Target}
	req := func(pr PlannedRequest, r *Request) PlannedRequest {
		pr.Method = r.Method
		pr.URL = x.url(r).String()
		pr.Header = map[string][]string{}
		for k, v := range r.Header {
			pr.Header[k] = v
		}
		for k, label := range r.label {
			pr.Header[k] = []string{"<" + label + ">"}
		}
		pr.Body = string(r.Body)
		return pr
	}
	if p.Baseline != nil {
		doc.Requests = append(doc.Requests, req(PlannedRequest{Check: "baseline", Step: "a path that cannot exist"}, p.Baseline))
	}
	for _, pr := range p.Probes {
		ck, _ := CheckByID(pr.Check)
		base := PlannedRequest{Check: pr.Check, Property: ck.Property, Subject: pr.Subject}
		if pr.Skip != "" {
			base.Skip = pr.Skip
			doc.Requests = append(doc.Requests, base)
			continue
		}
		for _, st := range pr.Steps {
			item := base
			item.Step = st.Name
			if st.Repeat > 1 {
				item.Repeat, item.StopOn = st.Repeat, st.StopOn
			}
			switch {
			case st.TLS != nil && st.TLS.MaxVersion != 0:
				item.TLS = fmt.Sprintf("handshake with %s offering %s at most; must be refused", hostPort(p.Target), versionName(st.TLS.MaxVersion))
			case st.TLS != nil:
				item.TLS = fmt.Sprintf("verified handshake with %s", hostPort(p.Target))
			case st.Request != nil:
				item = req(item, st.Request)
			}
			doc.Requests = append(doc.Requests, item)
		}
	}
	return doc
}
