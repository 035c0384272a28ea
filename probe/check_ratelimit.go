package probe

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/threatmap/threatmap/evidence"
	"github.com/threatmap/threatmap/model"
)

// rateLimitProbes plans one bounded burst per reachable surface where a
// limit matters: surfaces a rate-limited control claims to protect (by
// surface or component, or every surface for a system-wide control),
// costly ones, webhooks and uploads, state-changing ones, and ones that
// need credentials (guessing and enumeration). A cheap public GET such as a
// health check is not burst unless the model claims a limit on it. Bursts
// run last, because a tripped limiter would change the answers of every
// other probe.
func (b *planner) rateLimitProbes(m *model.Model) {
	if m == nil {
		return
	}
	claimed, systemWide := map[string]bool{}, false
	for _, c := range m.Controls {
		if c.Kind != string(evidence.RateLimited) {
			continue
		}
		if len(c.On) == 0 {
			systemWide = true
		}
		for _, id := range c.On {
			claimed[id] = true
		}
	}
	seen := map[string]bool{}
	for _, s := range m.Surfaces {
		switch s.Kind {
		case "storage", "secret", "exit", "queue", "admin":
			continue
		}
		if s.Path == "" || !strings.HasPrefix(s.Path, "/") || isHidden(s) {
			continue
		}
		method := probeMethod(s)
		if s.Kind == "webhook" && strings.EqualFold(s.Method, "ANY") {
			method = http.MethodPost
		}
		matters := systemWide || claimed[s.ID] || (s.Component != "" && claimed[s.Component]) || s.Costly ||
			s.Kind == "webhook" || s.Kind == "upload" || !isSafeMethod(method) || needsAuth(s)
		if !matters {
			continue
		}
		// On an object route the burst asks for an object as its owner:
		// user B's object with user B's credential. One user's credential
		// with another's object would be refused by a correct ownership
		// check, and a burst of refusals says nothing about a limit.
		owner, ownerLabel, ownerSkip := b.userA, "$"+EnvUserAAuth, ""
		path := fillParams(s.Path, b.sampleID(s.ID))
		if hasParam(s.Path) && needsAuth(s) && s.Kind != "webhook" {
			switch obj := b.objectFor(s.ID); {
			case obj != "" && b.userB != "":
				owner, ownerLabel = b.userB, "$"+EnvUserBAuth
			case b.userA == "" && b.userB == "":
				owner = "" // no credentials at all: refusals make it inconclusive
			default:
				ownerSkip = fmt.Sprintf("a burst on %s needs an object and its owner's credential (%s_%s or %s, with %s)",
					s.Path, EnvUserBObject, envSuffix(s.ID), EnvUserBObject, EnvUserBAuth)
			}
		}
		if seen[method+" "+path] {
			continue
		}
		seen[method+" "+path] = true
		p := &Probe{Check: CheckRateLimit, Subject: subject(method, s.Path), Resource: s.Path, Surface: s.ID, eval: evalRateLimit}
		req, skip := b.request(s, method, path)
		if skip == "" {
			skip = ownerSkip
		}
		if skip != "" {
			p.Skip = skip
			b.add(p)
			continue
		}
		if s.Kind == "webhook" {
			// An unsigned event: a verifying endpoint refuses it, and a
			// limiter in front of verification still counts it.
			sch, ok := schemeFor(s.Signature, b.opts)
			if !ok {
				sch, _ = schemeFor("hmac", b.opts)
			}
			body, ctype, extra := sch.event(fmt.Sprintf("evt_threatmap_probe_burst_%d", b.now.Unix()), b.now)
			req.Body = body
			req.Header.Set("Content-Type", ctype)
			for k, v := range extra {
				req.Header[k] = v
			}
		} else if needsAuth(s) && owner != "" {
			withCredential(req, owner, ownerLabel)
		}
		p.Steps = []Step{{Name: "burst", Request: req, Repeat: b.opts.Burst, StopOn: []int{b.opts.LimitStatus}}}
		b.add(p)
	}
}

func evalRateLimit(e *evalContext, results []StepResult) Outcome {
	res := results[0]
	req := res.Step.Request
	limit := e.plan.Options.LimitStatus
	n := len(res.Responses)
	for i, r := range res.Responses {
		if r.Status != limit {
			continue
		}
		detail := fmt.Sprintf("%s answered %d after %d accepted requests in %s (observed limit: %d per burst)", reqLine(req), limit, i, res.Elapsed.Round(time.Millisecond), i)
		if i == 0 {
			detail += "; the limiter was already tripped, possibly by an earlier burst sharing it"
		}
		if adv := ParseRateLimit(r.Header, time.Now()); adv.Limit > 0 || adv.RetryAfter > 0 {
			detail += "; " + describeAdvertised(adv)
		}
		return pass("%s", detail)
	}
	if n == 0 {
		return inconclusive("%s: %v", reqLine(req), res.Err)
	}
	if res.Err != nil && n < res.Step.Repeat {
		return inconclusive("%s: burst stopped after %d requests with no %d: %v", reqLine(req), n, limit, res.Err)
	}
	notFound, refused := 0, 0
	for _, r := range res.Responses {
		switch e.classify(r) {
		case answerNotFound:
			notFound++
		case answerRefused, answerLoginRedir:
			refused++
		}
	}
	if notFound == n {
		return inconclusive("%s answered 404 to every request: is the path right?", reqLine(req))
	}
	if refused == n {
		// A limiter behind authentication never sees refused requests.
		return inconclusive("%s refused every request (%d): the burst never reached what a limit would count; give the owner's credentials", reqLine(req), n)
	}
	last, _ := res.last()
	if adv := ParseRateLimit(last.Header, time.Now()); adv.Limit > n {
		return inconclusive("%s: %d requests in %s saw no %d, but the service advertises %s; raise --burst above %d", reqLine(req), n, res.Elapsed.Round(time.Millisecond), limit, describeAdvertised(adv), adv.Limit)
	}
	return fail("%s: %d requests in %s, none answered %d (last answer %d): the surface is not rate limited", reqLine(req), n, res.Elapsed.Round(time.Millisecond), limit, last.Status)
}

func describeAdvertised(a Advertised) string {
	var parts []string
	if a.Limit > 0 {
		s := fmt.Sprintf("advertised limit %d", a.Limit)
		if a.Window > 0 {
			s += " per " + a.Window.String()
		}
		parts = append(parts, s)
	}
	if a.RetryAfter > 0 {
		parts = append(parts, "Retry-After "+a.RetryAfter.String())
	}
	return strings.Join(parts, ", ")
}
