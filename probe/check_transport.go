package probe

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"

	"github.com/threatmap/threatmap"
)

// probeOrigin is an origin no real site uses.
const probeOrigin = "https://threatmap-probe.invalid"

// systemProbes plans the checks that are about the whole service rather
// than one surface.
func (b *planner) systemProbes() {
	b.wellKnownProbes()
	b.transport()
	b.securityHeaders()
	b.cors()
}

// isLoopback reports whether host names this machine.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (b *planner) transport() {
	t := b.plan.Target
	p := &Probe{Check: CheckTLS, Subject: "", Resource: "/", eval: evalTLS(t.Scheme, t.Hostname())}
	defer b.add(p)
	switch {
	case t.Scheme == "https":
		p.Steps = []Step{
			{Name: "verified handshake", TLS: &TLSHandshake{Verify: true}},
			{Name: "handshake offering only TLS 1.0 and 1.1", TLS: &TLSHandshake{MaxVersion: tls.VersionTLS11}},
		}
	case isLoopback(t.Hostname()):
		p.Skip = "the target is plain http on loopback; transport is judged for https targets and for plain http on other hosts"
	}
}

func evalTLS(scheme, host string) evaluator {
	return func(_ *evalContext, results []StepResult) Outcome {
		if scheme != "https" {
			return fail("the service at %s is served over plain http: traffic and credentials cross the network unencrypted", host)
		}
		verified, old := results[0], results[1]
		if verified.Err != nil {
			return fail("TLS handshake with %s failed verification: %v", host, verified.Err)
		}
		r, _ := verified.last()
		if r.TLSVersion < tls.VersionTLS12 {
			return fail("%s negotiated %s", host, tls.VersionName(r.TLSVersion))
		}
		if old.Err == nil {
			o, _ := old.last()
			out := fail("%s accepted a handshake offering only TLS 1.0 and 1.1 (negotiated %s)", host, tls.VersionName(o.TLSVersion))
			// Modern clients still negotiate 1.2 or later, so this is
			// less urgent than a bad certificate.
			out.Severity = threatmap.Medium
			return out
		}
		if isTimeout(old.Err) {
			return inconclusive("the TLS 1.0/1.1 handshake with %s timed out: %v", host, old.Err)
		}
		return pass("%s negotiated %s with a certificate valid for the host; TLS 1.0 and 1.1 are refused", host, tls.VersionName(r.TLSVersion))
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// securityHeaders plans a GET of the base path.
func (b *planner) securityHeaders() {
	p := &Probe{Check: CheckHeaders, Subject: "", Resource: "/", eval: evalHeaders(b.plan.Target.Scheme == "https")}
	p.Steps = []Step{{Name: "fetch", Request: &Request{Method: http.MethodGet, Path: "/", Header: probeHeader()}}}
	b.add(p)
}

func evalHeaders(https bool) evaluator {
	return func(e *evalContext, results []StepResult) Outcome {
		r, ok := results[0].last()
		if !ok {
			return inconclusive("GET /: %v", results[0].Err)
		}
		if e.classify(r) == answerLimited {
			return inconclusive("GET / was rate limited")
		}
		var missing, present []string
		check := func(name string, ok bool) {
			if ok {
				present = append(present, name)
			} else {
				missing = append(missing, name)
			}
		}
		check("X-Content-Type-Options: nosniff", strings.EqualFold(strings.TrimSpace(r.Header.Get("X-Content-Type-Options")), "nosniff"))
		xfo := strings.ToUpper(strings.TrimSpace(r.Header.Get("X-Frame-Options")))
		csp := strings.ToLower(r.Header.Get("Content-Security-Policy"))
		check("framing protection (X-Frame-Options or CSP frame-ancestors)", xfo == "DENY" || xfo == "SAMEORIGIN" || strings.Contains(csp, "frame-ancestors"))
		if https {
			check("Strict-Transport-Security", strings.Contains(strings.ToLower(r.Header.Get("Strict-Transport-Security")), "max-age="))
		}
		if len(missing) > 0 {
			return fail("GET / answered %d without %s", r.Status, strings.Join(missing, ", "))
		}
		return pass("GET / answered %d with %s", r.Status, strings.Join(present, ", "))
	}
}

// cors plans requests carrying an unknown Origin and a "null" Origin, and
// a preflight for the first modeled surface.
func (b *planner) cors() {
	p := &Probe{Check: CheckCORS, Subject: "", Resource: "/", eval: evalCORS}
	simple := &Request{Method: http.MethodGet, Path: "/", Header: probeHeader()}
	simple.Header.Set("Origin", probeOrigin)
	null := &Request{Method: http.MethodGet, Path: "/", Header: probeHeader()}
	null.Header.Set("Origin", "null")
	p.Steps = []Step{{Name: "unknown origin", Request: simple}, {Name: "null origin", Request: null}}
	if b.preflight != nil {
		p.Steps = append(p.Steps, Step{Name: "preflight from an unknown origin", Request: b.preflight})
	}
	b.add(p)
}

func evalCORS(e *evalContext, results []StepResult) Outcome {
	var notes []string
	for _, res := range results {
		r, ok := res.last()
		if !ok {
			return inconclusive("%s: %v", reqLine(res.Step.Request), res.Err)
		}
		origin := res.Step.Request.Header.Get("Origin")
		acao := strings.TrimSpace(r.Header.Get("Access-Control-Allow-Origin"))
		creds := strings.EqualFold(strings.TrimSpace(r.Header.Get("Access-Control-Allow-Credentials")), "true")
		allowed := acao == "*" || acao == origin
		switch {
		case allowed && creds:
			return fail("%s with Origin: %s answered Access-Control-Allow-Origin: %s and Access-Control-Allow-Credentials: true: any web page can make credentialed requests", reqLine(res.Step.Request), origin, acao)
		case allowed:
			notes = append(notes, fmt.Sprintf("%s allows origin %s without credentials", res.Step.Name, acao))
		}
	}
	if len(notes) > 0 {
		return pass("no unknown origin is allowed with credentials (%s)", strings.Join(notes, "; "))
	}
	return pass("no unknown origin is allowed (%d requests)", len(results))
}
