package probe

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/threatmap/threatmap/model"
)

// staleAge is how old the replayed payload's timestamp is: well past the
// five-minute tolerance Stripe and Slack document.
const staleAge = time.Hour

// wrongSecret signs the wrongly signed payload; no real endpoint uses it.
const wrongSecret = "threatmap-probe-wrong-secret"

// webhook plans the signature and replay probes for a webhook surface.
func (b *planner) webhook(s model.Surface) {
	method := probeMethod(s)
	if method == http.MethodGet && strings.EqualFold(s.Method, "ANY") {
		method = http.MethodPost
	}
	subj := subject(method, s.Path)
	path := fillParams(s.Path, "1")
	sch, known := schemeFor(s.Signature, b.opts)
	if !known {
		// The probe cannot sign for this scheme, but an unsigned payload
		// must still be refused.
		sch, _ = schemeFor("hmac", b.opts)
		sch.name = s.Signature
		sch.sign = nil
	}
	secret, envName := b.secretFor(s.ID)
	stamp := b.now.Unix()

	sig := &Probe{Check: CheckWebhookSig, Subject: subj, Resource: s.Path, Surface: s.ID}
	replay := &Probe{Check: CheckWebhookStale, Subject: subj, Resource: s.Path, Surface: s.ID, eval: evalReplay}
	defer func() { b.add(sig); b.add(replay) }()

	mk := func(step string, signWith string, at time.Time) (*Request, string) {
		r, skip := b.request(s, method, path)
		if skip != "" {
			return nil, skip
		}
		id := fmt.Sprintf("evt_threatmap_probe_%s_%d", step, stamp)
		body, ctype, extra := sch.event(id, at)
		r.Body = body
		r.Header.Set("Content-Type", ctype)
		for k, v := range extra {
			r.Header[k] = v
		}
		if signWith != "" && sch.sign != nil {
			sch.sign(r.Header, signWith, at, body)
		}
		return r, ""
	}

	unsigned, skip := mk("unsigned", "", b.now)
	if skip != "" {
		sig.Skip, replay.Skip = skip, skip
		return
	}
	sig.Steps = append(sig.Steps, Step{Name: "unsigned", Request: unsigned})
	if sch.sign != nil {
		wrong, _ := mk("wrong_signature", wrongSecret, b.now)
		sig.Steps = append(sig.Steps, Step{Name: "wrong signature", Request: wrong})
	}
	if secret != "" && sch.sign != nil {
		valid, _ := mk("signed", secret, b.now)
		sig.Steps = append(sig.Steps, Step{Name: "correctly signed", Request: valid})
	}
	sig.eval = evalSignature(sch.name, envName, secret != "" && sch.sign != nil)

	switch {
	case sch.sign == nil:
		replay.Skip = fmt.Sprintf("the %q signature scheme is not one the probe can sign (stripe, github, slack, hmac)", s.Signature)
	case !sch.timestamped:
		replay.Skip = fmt.Sprintf("the %s scheme signs no timestamp, so a replayed delivery is byte-for-byte valid; replay protection rests on recording delivery ids, which a probe cannot observe", sch.name)
	case secret == "":
		replay.Skip = fmt.Sprintf("needs the signing secret to sign a stale payload: set %s or %s", envName, EnvWebhookSecret)
	default:
		stale, _ := mk("stale", secret, b.now.Add(-staleAge))
		fresh, _ := mk("fresh", secret, b.now)
		replay.Steps = []Step{{Name: "correctly signed an hour ago", Request: stale}, {Name: "correctly signed now", Request: fresh}}
	}
}

// rejected reports whether a webhook answer refuses the delivery. A 5xx
// counts: the sender sees a failure and retries, and verbose-error probes
// judge what the body says.
func rejected(a answer) bool {
	switch a {
	case answerRefused, answerBadRequest, answerServerErr, answerRedirect, answerLoginRedir:
		return true
	}
	return false
}

func evalSignature(schemeName, envName string, withSecret bool) evaluator {
	return func(e *evalContext, results []StepResult) Outcome {
		var parts []string
		for _, res := range results {
			r, ok := res.last()
			if !ok {
				return inconclusive("%s %s: %v", res.Step.Name, reqLine(res.Step.Request), res.Err)
			}
			a := e.classify(r)
			part := fmt.Sprintf("%s → %d", res.Step.Name, r.Status)
			switch {
			case a == answerLimited:
				return inconclusive("%s %s was rate limited", res.Step.Name, reqLine(res.Step.Request))
			case a == answerNotFound:
				return inconclusive("%s %s answered %d: is the path right?", res.Step.Name, reqLine(res.Step.Request), r.Status)
			case res.Step.Name == "correctly signed":
				if a != answerAccepted {
					return inconclusive("a payload correctly signed with %s was refused (%d), so the refusals prove nothing; check the secret and the %s scheme", envName, r.Status, schemeName)
				}
			case a == answerAccepted:
				o := fail("%s %s payload was accepted with %d: anyone can forge events", reqLine(res.Step.Request), res.Step.Name, r.Status)
				return o
			case !rejected(a):
				return inconclusive("%s %s answered %s", res.Step.Name, reqLine(res.Step.Request), describe(r))
			}
			parts = append(parts, part)
		}
		o := pass("%s (%s): %s", reqLine(results[0].Step.Request), schemeName, strings.Join(parts, ", "))
		if !withSecret {
			o.Detail += fmt.Sprintf("; acceptance of a correctly signed payload not checked (set %s)", envName)
		}
		return o
	}
}

func evalReplay(e *evalContext, results []StepResult) Outcome {
	stale, ok1 := results[0].last()
	fresh, ok2 := results[1].last()
	if !ok1 || !ok2 {
		return inconclusive("%s: %v", reqLine(results[0].Step.Request), firstErr(results))
	}
	line := reqLine(results[0].Step.Request)
	sa, fa := e.classify(stale), e.classify(fresh)
	switch {
	case sa == answerLimited || fa == answerLimited:
		return inconclusive("%s was rate limited", line)
	case sa == answerAccepted:
		return fail("%s correctly signed an hour ago was accepted with %d: captured deliveries can be replayed", line, stale.Status)
	case fa != answerAccepted:
		return inconclusive("%s correctly signed now was refused (%s), so the stale refusal proves nothing", line, describe(fresh))
	case rejected(sa):
		return pass("%s signed an hour ago → %d, signed now → %d", line, stale.Status, fresh.Status)
	}
	return inconclusive("%s signed an hour ago answered %s", line, describe(stale))
}
