package server

import (
	"net/netip"
	"sync"
	"time"
)

// ipLimiter allows each address n requests per fixed window. A fixed
// window is what "100 requests a minute per IP" means to an operator, and
// it is cheap: one counter per address, swept when the window turns.
type ipLimiter struct {
	n      int
	window time.Duration
	now    func() time.Time

	mu     sync.Mutex
	start  time.Time
	counts map[netip.Addr]int
}

func newIPLimiter(n int, window time.Duration, now func() time.Time) *ipLimiter {
	return &ipLimiter{n: n, window: window, now: now, counts: map[netip.Addr]int{}}
}

// Allow reports whether a may make another request now.
func (l *ipLimiter) Allow(a netip.Addr) bool {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.start) >= l.window || now.Before(l.start) {
		l.start = now
		clear(l.counts)
	}
	if l.counts[a] >= l.n {
		return false
	}
	l.counts[a]++
	return true
}

// spikeDetector counts requests and failures per window and raises one
// alert per kind per window when a threshold is crossed.
type spikeDetector struct {
	window time.Duration
	now    func() time.Time
	raise  func(Alert)

	mu       sync.Mutex
	start    time.Time
	requests int
	failures int
	maxReq   int
	maxFail  int
	sentReq  bool
	sentFail bool
}

func newSpikeDetector(window time.Duration, now func() time.Time, maxReq, maxFail int, raise func(Alert)) *spikeDetector {
	return &spikeDetector{window: window, now: now, maxReq: maxReq, maxFail: maxFail, raise: raise}
}

func (d *spikeDetector) roll(now time.Time) {
	if now.Sub(d.start) >= d.window || now.Before(d.start) {
		d.start, d.requests, d.failures, d.sentReq, d.sentFail = now, 0, 0, false, false
	}
}

func (d *spikeDetector) request() { d.count(false) }
func (d *spikeDetector) failure() { d.count(true) }

func (d *spikeDetector) count(failure bool) {
	now := d.now()
	d.mu.Lock()
	d.roll(now)
	var alert *Alert
	if failure {
		d.failures++
		if d.failures > d.maxFail && !d.sentFail {
			d.sentFail = true
			alert = &Alert{Kind: "failures", Count: d.failures, Window: d.window, At: now}
		}
	} else {
		d.requests++
		if d.requests > d.maxReq && !d.sentReq {
			d.sentReq = true
			alert = &Alert{Kind: "requests", Count: d.requests, Window: d.window, At: now}
		}
	}
	d.mu.Unlock()
	if alert != nil {
		d.raise(*alert)
	}
}
