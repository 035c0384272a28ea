package probe

import (
	"bytes"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/evidence"
)

// Response is what came back for one request.
type Response struct {
	Status int
	Header http.Header
	// Body holds at most the first 64 KiB.
	Body     []byte
	Duration time.Duration
	// TLS describes a completed handshake (TLS steps only).
	TLSVersion uint16
}

// StepResult is the answers to one step: one response per request sent (a
// burst sends many), or the error that stopped it.
type StepResult struct {
	Step      *Step
	Responses []Response
	Err       error
	// Elapsed is how long the whole step took.
	Elapsed time.Duration
}

// last returns the step's last response, if any.
func (r StepResult) last() (Response, bool) {
	if len(r.Responses) == 0 {
		return Response{}, false
	}
	return r.Responses[len(r.Responses)-1], true
}

// Status is a probe's verdict.
type Status string

// Verdicts. Inconclusive means the probe ran but the answers cannot
// confirm or refute the property (a 404 where a route should be, a refused
// control request); skipped means it was not run.
const (
	Pass         Status = "pass"
	Fail         Status = "fail"
	Inconclusive Status = "inconclusive"
	Skipped      Status = "skipped"
)

// Outcome is a probe's verdict with what was sent and what came back.
type Outcome struct {
	Status Status
	Detail string
	// Severity overrides the check's default for a failure.
	Severity threatmap.Severity
	// Findings, when set, replace the single finding a failure makes (a
	// probe of many files reports each exposed file).
	Findings []evidence.Finding
}

func pass(format string, args ...any) Outcome {
	return Outcome{Status: Pass, Detail: fmt.Sprintf(format, args...)}
}

func fail(format string, args ...any) Outcome {
	return Outcome{Status: Fail, Detail: fmt.Sprintf(format, args...)}
}

func inconclusive(format string, args ...any) Outcome {
	return Outcome{Status: Inconclusive, Detail: fmt.Sprintf(format, args...)}
}

// evalContext is what evaluators may use besides their own responses.
type evalContext struct {
	probe    *Probe
	plan     *Plan
	baseline *Response
}

// answer classifies a response for the probes' purposes.
type answer int

const (
	answerNone       answer = iota // no response (error)
	answerAccepted                 // 2xx that is not a catch-all page
	answerRefused                  // 401 or 403
	answerNotFound                 // 404, 410, or a catch-all page
	answerLimited                  // the rate-limit status
	answerRedirect                 // 3xx
	answerLoginRedir               // 3xx to a login page
	answerBadRequest               // other 4xx (400, 405, 422, ...)
	answerServerErr                // 5xx
)

// classify reads a response; the plan's LimitStatus (429 by default)
// counts as rate limiting, and a 2xx that is the catch-all page as not
// found.
func (e *evalContext) classify(r Response) answer {
	limit := http.StatusTooManyRequests
	if e != nil && e.plan != nil {
		limit = e.plan.Options.LimitStatus
	}
	switch {
	case r.Status == 0:
		return answerNone
	case r.Status == limit:
		return answerLimited
	case r.Status >= 200 && r.Status < 300:
		if e != nil && e.isCatchAll(r) {
			return answerNotFound
		}
		return answerAccepted
	case r.Status == http.StatusUnauthorized || r.Status == http.StatusForbidden:
		return answerRefused
	case r.Status == http.StatusNotFound || r.Status == http.StatusGone:
		return answerNotFound
	case r.Status >= 300 && r.Status < 400:
		if isLoginRedirect(r.Header.Get("Location")) {
			return answerLoginRedir
		}
		return answerRedirect
	case r.Status >= 400 && r.Status < 500:
		return answerBadRequest
	case r.Status >= 500:
		return answerServerErr
	}
	return answerBadRequest
}

// isCatchAll reports whether a 2xx response is the same page the service
// serves for a path that cannot exist (single-page apps answer 200 with
// their index for everything).
func (e *evalContext) isCatchAll(r Response) bool {
	b := e.baseline
	if b == nil || b.Status < 200 || b.Status >= 300 || r.Status != b.Status {
		return false
	}
	return bytes.Equal(r.Body, b.Body)
}

// isLoginRedirect reports whether a Location header points at a login page.
func isLoginRedirect(loc string) bool {
	l := strings.ToLower(loc)
	return slices.ContainsFunc([]string{"login", "signin", "sign-in", "sign_in", "auth", "sso"}, func(k string) bool {
		return strings.Contains(l, k)
	})
}

// describe summarises a response for a detail line: status and, for a
// redirect, where it points.
func describe(r Response) string {
	if r.Status == 0 {
		return "no response"
	}
	s := fmt.Sprintf("%d", r.Status)
	if loc := r.Header.Get("Location"); loc != "" && r.Status >= 300 && r.Status < 400 {
		s += " to " + loc
	}
	return s
}
