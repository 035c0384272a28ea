package probe

import "github.com/threatmap/threatmap/model"

// unreachable plans a request without credentials to a surface that must
// not answer outsiders (admin, debug, internal), with the method the
// surface or route declares (GET for ANY). A state-changing one is planned
// only with --allow-writes, like every other write; without it the probe
// is skipped, never sent with another method.
func (b *planner) unreachable(s model.Surface, method string) {
	b.markReachable(s.Path)
	p := &Probe{Check: CheckUnreachable, Subject: subject(method, s.Path), Resource: s.Path, Surface: s.ID, eval: evalUnreachable}
	defer b.add(p)
	req, skip := b.request(s, method, fillParams(s.Path, "1"))
	if skip != "" {
		p.Skip = skip
		return
	}
	p.Steps = []Step{{Name: "no credentials", Request: req}}
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
