package probe

import "net/http"

// unreachable plans a GET without credentials to a surface that must not
// answer outsiders (admin, debug, internal). GET is sent whatever the
// surface's method, because reaching the handler at all is what matters and
// GET changes nothing.
func (b *planner) unreachable(subj, path, surfaceID string) {
	b.markReachable(path)
	p := &Probe{Check: CheckUnreachable, Subject: subj, Resource: path, Surface: surfaceID, eval: evalUnreachable}
	p.Steps = []Step{{Name: "no credentials", Request: &Request{Method: http.MethodGet, Path: fillParams(path, "1"), Header: probeHeader()}}}
	b.add(p)
}

func evalUnreachable(e *evalContext, results []StepResult) Outcome {
	r, ok := results[0].last()
	req := results[0].Step.Request
	if !ok {
		return inconclusive("%s: %v", reqLine(req), results[0].Err)
	}
	line := reqLine(req) + " from outside with no credentials answered " + describe(r)
	switch e.classify(r) {
	case answerAccepted:
		return fail("%s: the path is reachable", line)
	case answerRefused, answerNotFound, answerLoginRedir:
		return pass("%s", line)
	case answerLimited:
		return inconclusive("%s: rate limited", line)
	default:
		return inconclusive("%s: the handler may have been reached", line)
	}
}
