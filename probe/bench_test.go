package probe

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// BenchmarkRun measures the runner's throughput (requests per second)
// against an httptest service with no rate limit, so every burst runs to
// its end, and in the same iteration replays exactly the requests the run
// sent (same methods, paths, headers and bodies, same count) with a bare
// http.Client in a plain loop. The ratio is the cost of planning and of the
// runner's safety and judgement: a fresh single-host transport per run, the
// budget and time checks, body caps, leak detection and verdicts.
//
//	go test -run='^$' -bench=BenchmarkRun -benchtime=20x ./probe
func BenchmarkRun(b *testing.B) {
	svc := newService(false)
	srv := httptest.NewServer(svc)
	defer srv.Close()
	m := loadModel(b, "testdata/run")
	target := mustTarget(b, srv.URL)
	opts := Options{Burst: 50, Getenv: envOf(testSecrets), Now: func() time.Time { return fixedNow }}
	plain := &http.Client{}
	var probeTime, plainTime time.Duration
	var requests int
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		plan, err := NewPlan(m, target, nil, opts)
		if err != nil {
			b.Fatal(err)
		}
		rep, err := Execute(context.Background(), plan)
		if err != nil {
			b.Fatal(err)
		}
		probeTime += time.Since(start)
		requests += rep.Requests

		var sent []*Request
		sent = append(sent, plan.Baseline)
		for _, res := range rep.Results {
			for _, st := range res.Steps {
				for range st.Responses {
					if st.Step.Request != nil {
						sent = append(sent, st.Step.Request)
					}
				}
			}
		}
		start = time.Now()
		for _, r := range sent {
			u := *target
			u.Path, u.RawQuery = r.Path, r.Query
			req, err := http.NewRequest(r.Method, u.String(), bytes.NewReader(r.Body))
			if err != nil {
				b.Fatal(err)
			}
			req.Header = r.Header.Clone()
			for k, v := range r.secret {
				req.Header.Set(k, v)
			}
			resp, err := plain.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		plainTime += time.Since(start)
	}
	b.StopTimer()
	probeRate := float64(requests) / probeTime.Seconds()
	plainRate := float64(requests) / plainTime.Seconds()
	b.ReportMetric(probeRate, "probe-req/s")
	b.ReportMetric(plainRate, "plain-req/s")
	b.ReportMetric(probeRate/plainRate, "ratio")
	b.ReportMetric(float64(requests)/float64(b.N), "req/run")
}
