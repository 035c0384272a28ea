package probe

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/threatmap/threatmap/model"
)

// malformedID is what replaces a path parameter: quotes and angle brackets
// that break naive SQL, templates and parsers.
const malformedID = `1'"<x>%`

// malformedJSON is a truncated JSON object.
const malformedJSON = `{"id": "threatmap-probe", "type": `

// verboseErrors plans malformed requests to a surface and checks that the
// answers do not show internals. Error-exit surfaces of the model share the
// verdict.
func (b *planner) verboseErrors(s model.Surface) {
	method := probeMethod(s)
	if s.Kind == "webhook" && strings.EqualFold(s.Method, "ANY") {
		method = http.MethodPost
	}
	p := &Probe{Check: CheckVerboseError, Subject: subject(method, s.Path), Resource: s.Path, Surface: s.ID, Also: b.exitErrors, eval: evalVerboseErrors}
	defer b.add(p)
	path := s.Path
	query := ""
	if hasParam(path) {
		path = fillParams(path, malformedID)
	} else if isSafeMethod(method) {
		query = "id=" + url.QueryEscape(malformedID) + "&page=-1"
	}
	req, skip := b.request(s, method, path)
	if skip != "" {
		p.Skip = skip
		return
	}
	req.Query = query
	if !isSafeMethod(method) {
		req.Header.Set("Content-Type", "application/json")
		req.Body = []byte(malformedJSON)
	}
	p.Steps = []Step{{Name: "malformed input", Request: req}}
}

func evalVerboseErrors(e *evalContext, results []StepResult) Outcome {
	var found []string
	for _, res := range results {
		r, ok := res.last()
		if !ok {
			return inconclusive("%s: %v", reqLine(res.Step.Request), res.Err)
		}
		if e.classify(r) == answerLimited {
			return inconclusive("%s was rate limited", reqLine(res.Step.Request))
		}
		for _, l := range DetectLeaks(r.Body) {
			found = append(found, fmt.Sprintf("%s %q", l.Kind, l.Snippet))
		}
		if len(found) > 0 {
			return fail("%s answered %d with %s", reqLine(res.Step.Request), r.Status, strings.Join(found, "; "))
		}
	}
	r, _ := results[0].last()
	return pass("%s answered %d with no stack trace, database error or server path", reqLine(results[0].Step.Request), r.Status)
}
