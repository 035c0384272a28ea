package probe

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/threatmap/threatmap/evidence"
)

// ErrBudget is returned for a request the run's budget (--max-requests)
// no longer allows.
var ErrBudget = errors.New("request budget exhausted (raise --max-requests)")

// errRefused marks a request the runner will not send; seeing it means a
// bug in planning, and the run stops.
var errRefused = errors.New("refused")

// Result is one probe's verdict with everything that was sent and seen.
type Result struct {
	Probe   *Probe
	Outcome Outcome
	Steps   []StepResult
}

// Report is the outcome of running a plan.
type Report struct {
	Target   string
	Results  []Result
	Requests int
	Elapsed  time.Duration
}

// Run executes plan and returns its evidence.
func Run(ctx context.Context, plan *Plan) (evidence.Set, error) {
	rep, err := Execute(ctx, plan)
	if err != nil {
		return evidence.Set{}, err
	}
	return rep.Evidence(), nil
}

// Execute runs every probe of plan in order and judges the answers. It
// returns an error only when the run itself cannot proceed (a request the
// plan should never have held); a probe whose requests fail is
// inconclusive, not an error.
func Execute(ctx context.Context, plan *Plan) (*Report, error) {
	opts := plan.Options
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, opts.MaxTime)
	defer cancel()
	x := newExecutor(plan)
	defer x.client.CloseIdleConnections()
	rep := &Report{Target: plan.Target.String()}
	ec := &evalContext{plan: plan}
	if plan.Baseline != nil {
		if r, err := x.send(ctx, plan.Baseline); err == nil {
			ec.baseline = &r
		} else if errors.Is(err, errRefused) {
			return nil, err
		}
	}
	for _, p := range plan.Probes {
		res := Result{Probe: p}
		switch {
		case p.Skip != "":
			res.Outcome = Outcome{Status: Skipped, Detail: p.Skip}
		case errors.Is(ctx.Err(), context.Canceled):
			res.Outcome = Outcome{Status: Skipped, Detail: "not run: the run was cancelled"}
		case ctx.Err() != nil:
			res.Outcome = Outcome{Status: Skipped, Detail: fmt.Sprintf("not run: the run's time limit (%s) ran out", opts.MaxTime)}
		default:
			pctx, pcancel := context.WithTimeout(ctx, opts.ProbeTime)
			steps, err := x.runSteps(pctx, p)
			pcancel()
			if err != nil {
				return nil, err
			}
			res.Steps = steps
			ec.probe = p
			res.Outcome = p.eval(ec, steps)
		}
		res.Outcome.Detail = x.redact(res.Outcome.Detail)
		for i := range res.Outcome.Findings {
			res.Outcome.Findings[i].Message = x.redact(res.Outcome.Findings[i].Message)
		}
		rep.Results = append(rep.Results, res)
	}
	x.judgeAllLeaks(rep)
	rep.Requests = x.sent
	rep.Elapsed = time.Since(start)
	return rep, nil
}

// judgeAllLeaks fails a surface's verbose-error probe when any other
// probe's answer from that surface showed internals: a stack trace on an
// unsigned webhook or on a request without credentials is as telling as
// one on malformed input.
func (x *executor) judgeAllLeaks(rep *Report) {
	leaks := map[string]string{}
	for _, res := range rep.Results {
		if res.Probe.Check == CheckVerboseError || leaks[res.Probe.Subject] != "" {
			continue
		}
		for _, st := range res.Steps {
			var prev []byte
			for i, r := range st.Responses {
				if st.Step.Request == nil || (i > 0 && bytes.Equal(r.Body, prev)) {
					continue
				}
				prev = r.Body
				if ls := DetectLeaks(r.Body); len(ls) > 0 && leaks[res.Probe.Subject] == "" {
					leaks[res.Probe.Subject] = fmt.Sprintf("%s (%s, %s) answered %d with %s %q", reqLine(st.Step.Request), res.Probe.Check, st.Step.Name, r.Status, ls[0].Kind, ls[0].Snippet)
				}
			}
		}
	}
	for i := range rep.Results {
		res := &rep.Results[i]
		if res.Probe.Check != CheckVerboseError || res.Outcome.Status != Pass {
			continue
		}
		if d := leaks[res.Probe.Subject]; d != "" {
			res.Outcome = fail("%s", x.redact(d))
		}
	}
}

// executor sends requests to the plan's target and nowhere else.
type executor struct {
	plan     *Plan
	target   *url.URL
	hostport string
	client   *http.Client
	dialer   *net.Dialer
	sent     int
	secrets  []string
}

func newExecutor(plan *Plan) *executor {
	t := plan.Target
	x := &executor{plan: plan, target: t, hostport: hostPort(t), dialer: &net.Dialer{Timeout: plan.Options.Timeout}}
	// Each secret is also redacted in the encoded forms a response may echo
	// it in: URL query encoding, path encoding and a JSON string.
	for _, s := range plan.secrets {
		if len(s) < 4 {
			continue
		}
		js, _ := json.Marshal(s)
		x.secrets = append(x.secrets, s, url.QueryEscape(s), url.PathEscape(s), strings.Trim(string(js), `"`))
	}
	slices.Sort(x.secrets)
	x.secrets = slices.Compact(x.secrets)
	// Longer secrets first, so that a secret containing another is
	// replaced whole.
	slices.SortFunc(x.secrets, func(a, b string) int { return len(b) - len(a) })
	tr := &http.Transport{
		// No proxy: a proxy would be a host the user did not name.
		Proxy:                 nil,
		DialContext:           x.dial,
		TLSClientConfig:       &tls.Config{RootCAs: plan.Options.RootCAs, MinVersion: tls.VersionTLS12, InsecureSkipVerify: plan.Options.Insecure}, //nolint:gosec // opt-in for self-signed staging certificates; the TLS probe still judges the certificate.
		TLSHandshakeTimeout:   plan.Options.Timeout,
		ResponseHeaderTimeout: plan.Options.Timeout,
		MaxIdleConnsPerHost:   4,
		IdleConnTimeout:       30 * time.Second,
	}
	x.client = &http.Client{
		Transport: tr,
		Timeout:   plan.Options.Timeout,
		// Redirects are never followed: where they point is judged, not
		// fetched, so a redirect cannot lead a probe to another host.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return x
}

// hostPort is the target's host:port with the scheme's default port.
func hostPort(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = "80"
		if u.Scheme == "https" {
			port = "443"
		}
	}
	return net.JoinHostPort(u.Hostname(), port)
}

// dial connects only to the target's host and port.
func (x *executor) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	if addr != x.hostport {
		return nil, fmt.Errorf("probe: refusing to connect to %s: only %s was named", addr, x.hostport)
	}
	return x.dialer.DialContext(ctx, network, addr)
}

func (x *executor) runSteps(ctx context.Context, p *Probe) ([]StepResult, error) {
	out := make([]StepResult, 0, len(p.Steps))
	for i := range p.Steps {
		st := &p.Steps[i]
		res := StepResult{Step: st}
		start := time.Now()
		switch {
		case st.TLS != nil:
			r, err := x.handshake(ctx, st.TLS)
			if err == nil {
				res.Responses = append(res.Responses, r)
			}
			res.Err = err
		case st.Request != nil:
			n := max(st.Repeat, 1)
			for range n {
				if err := ctx.Err(); err != nil {
					res.Err = fmt.Errorf("stopped by the time limit: %w", err)
					break
				}
				r, err := x.send(ctx, st.Request)
				if errors.Is(err, errRefused) {
					return nil, err
				}
				if err != nil {
					res.Err = err
					break
				}
				res.Responses = append(res.Responses, r)
				if slices.Contains(st.StopOn, r.Status) {
					break
				}
			}
		}
		res.Elapsed = time.Since(start)
		out = append(out, res)
	}
	return out, nil
}

// url builds the absolute URL of a request below the target.
func (x *executor) url(r *Request) *url.URL {
	return &url.URL{Scheme: x.target.Scheme, Host: x.target.Host, Path: x.target.Path + r.Path, RawQuery: r.Query}
}

// send sends one request, enforcing the budget and the write rule, and
// reads at most maxBody of the answer.
func (x *executor) send(ctx context.Context, r *Request) (Response, error) {
	if !isSafeMethod(r.Method) && !r.Write && !r.webhook {
		return Response{}, fmt.Errorf("%w: %s %s changes state and was not allowed", errRefused, r.Method, r.Path)
	}
	if r.Write && !x.plan.Options.AllowWrites {
		return Response{}, fmt.Errorf("%w: %s %s is a write and --allow-writes was not given", errRefused, r.Method, r.Path)
	}
	if err := ctx.Err(); err != nil {
		return Response{}, err
	}
	if x.sent >= x.plan.Options.MaxRequests {
		return Response{}, ErrBudget
	}
	u := x.url(r)
	if u.Scheme != x.target.Scheme || u.Host != x.target.Host {
		return Response{}, fmt.Errorf("%w: %s is not the target", errRefused, u.Redacted())
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, u.String(), bytes.NewReader(r.Body))
	if err != nil {
		return Response{}, fmt.Errorf("build %s %s: %w", r.Method, r.Path, err)
	}
	if req.URL.Host != x.target.Host {
		return Response{}, fmt.Errorf("%w: %s is not the target", errRefused, req.URL.Redacted())
	}
	for k, v := range r.Header {
		req.Header[k] = slices.Clone(v)
	}
	for k, v := range r.secret {
		req.Header.Set(k, v)
	}
	x.sent++
	start := time.Now()
	resp, err := x.client.Do(req)
	if err != nil {
		return Response{}, fmt.Errorf("%s %s: %w", r.Method, r.Path, scrubURLError(err))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return Response{}, fmt.Errorf("%s %s: read body: %w", r.Method, r.Path, err)
	}
	// Drain a little more so the connection can be reused, but never read
	// an endless body.
	_, _ = io.CopyN(io.Discard, resp.Body, maxBody)
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: body, Duration: time.Since(start)}, nil
}

// scrubURLError drops the *url.Error wrapper, whose text repeats the URL.
func scrubURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// handshake opens a TLS connection to the target and closes it.
func (x *executor) handshake(ctx context.Context, h *TLSHandshake) (Response, error) {
	if x.sent >= x.plan.Options.MaxRequests {
		return Response{}, ErrBudget
	}
	x.sent++
	cfg := &tls.Config{ServerName: x.target.Hostname(), RootCAs: x.plan.Options.RootCAs, MinVersion: tls.VersionTLS12}
	if h.MaxVersion != 0 {
		// The point is to see whether the server accepts old versions, so
		// the client offers exactly those and does not judge the chain.
		cfg.MinVersion = tls.VersionTLS10
		cfg.MaxVersion = h.MaxVersion
		cfg.InsecureSkipVerify = true //nolint:gosec // only the version is under test here
	}
	d := &tls.Dialer{NetDialer: x.dialer, Config: cfg}
	start := time.Now()
	conn, err := d.DialContext(ctx, "tcp", x.hostport)
	if err != nil {
		return Response{}, err
	}
	defer conn.Close()
	state := conn.(*tls.Conn).ConnectionState()
	return Response{TLSVersion: state.Version, Duration: time.Since(start)}, nil
}
