package probe

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/threatmap/threatmap/model"
)

// auth plans a request without credentials to a surface that needs them.
func (b *planner) auth(s model.Surface, method string) {
	p := &Probe{Check: CheckAuth, Subject: subject(method, s.Path), Resource: s.Path, Surface: s.ID, eval: evalAuth}
	defer b.add(p)
	req, skip := b.request(s, method, fillParams(s.Path, b.sampleID(s.ID)))
	if skip != "" {
		p.Skip = skip
		return
	}
	p.Steps = []Step{{Name: "no credentials", Request: req}}
}

func evalAuth(e *evalContext, results []StepResult) Outcome {
	r, ok := results[0].last()
	if !ok {
		return inconclusive("%s: %v", reqLine(results[0].Step.Request), results[0].Err)
	}
	line := reqLine(results[0].Step.Request) + " with no credentials answered " + describe(r)
	switch e.classify(r) {
	case answerRefused:
		return pass("%s", line)
	case answerLoginRedir:
		return pass("%s (a login page)", line)
	case answerAccepted:
		return fail("%s: the surface serves requests without credentials", line)
	case answerNotFound:
		return inconclusive("%s: is the path right?", line)
	case answerLimited:
		return inconclusive("%s: rate limited before authentication could be seen", line)
	default:
		return inconclusive("%s: neither served nor refused for lack of credentials", line)
	}
}

// objectAuthz plans the IDOR probe: user B asks for B's object (the
// control request), then user A asks for it.
func (b *planner) objectAuthz(s model.Surface, method string) {
	p := &Probe{Check: CheckObjectAuthz, Subject: subject(method, s.Path), Resource: s.Path, Surface: s.ID, eval: evalObjectAuthz}
	defer b.add(p)
	obj := b.objectFor(s.ID)
	var missing []string
	if b.userA == "" {
		missing = append(missing, EnvUserAAuth)
	}
	if b.userB == "" {
		missing = append(missing, EnvUserBAuth)
	}
	if obj == "" {
		missing = append(missing, EnvUserBObject)
	}
	if len(missing) > 0 {
		p.Skip = "needs two users' credentials and an object of user B: set " + strings.Join(missing, ", ")
		return
	}
	path := fillParams(s.Path, obj)
	owner, skip := b.request(s, method, path)
	if skip != "" {
		p.Skip = skip
		return
	}
	other, _ := b.request(s, method, path)
	withCredential(owner, b.userB, "$"+EnvUserBAuth)
	withCredential(other, b.userA, "$"+EnvUserAAuth)
	p.Steps = []Step{{Name: "as user B (the owner)", Request: owner}, {Name: "as user A", Request: other}}
}

func evalObjectAuthz(e *evalContext, results []StepResult) Outcome {
	owner, ok1 := results[0].last()
	other, ok2 := results[1].last()
	if !ok1 || !ok2 {
		return inconclusive("%s: %v", reqLine(results[0].Step.Request), firstErr(results))
	}
	line := reqLine(results[1].Step.Request)
	if e.classify(owner) != answerAccepted {
		return inconclusive("%s as user B (the owner) answered %s; check %s and %s", line, describe(owner), EnvUserBAuth, EnvUserBObject)
	}
	switch e.classify(other) {
	case answerRefused, answerNotFound:
		return pass("%s as user B answered %d; as user A it answered %d", line, owner.Status, other.Status)
	case answerAccepted:
		same := ""
		if bytes.Equal(owner.Body, other.Body) {
			same = ", with the same body the owner got"
		}
		return fail("%s as user A answered %d%s: user A can read user B's object", line, other.Status, same)
	default:
		return inconclusive("%s as user A answered %s", line, describe(other))
	}
}

// reqLine renders a request as "METHOD /path?query".
func reqLine(r *Request) string {
	if r == nil {
		return ""
	}
	s := r.Method + " " + r.Path
	if r.Query != "" {
		s += "?" + r.Query
	}
	return s
}

func firstErr(results []StepResult) error {
	for _, r := range results {
		if r.Err != nil {
			return r.Err
		}
	}
	return fmt.Errorf("no response")
}
