package workflows

import (
	"fmt"
	"strings"

	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/evidence"
)

// checkSelfHostedRunner flags jobs on self-hosted runners in workflows
// that outsiders can trigger.
func checkSelfHostedRunner(w *Workflow) []evidence.Finding {
	trigger, ok := w.hasTrigger(publicTriggers...)
	if !ok {
		return nil
	}
	var out []evidence.Finding
	for _, j := range w.Jobs {
		if j.RunsOn == nil {
			continue
		}
		for _, l := range j.RunsOn.Labels {
			if l != nil && strings.EqualFold(l.Value, "self-hosted") {
				// Outsiders' code running on your own machine is untrusted
				// code in a privileged place, the property injection
				// findings refute too.
				out = append(out, w.finding(RuleSelfHostedRunner, threatmap.High, l.Pos, j, evidence.NoWorkflowInjection,
					fmt.Sprintf("job %s runs on a self-hosted runner and the workflow runs on %s: anyone who can open a pull request or issue can run code on that machine and the network it sits in", jobID(j), trigger)))
				break
			}
		}
	}
	return out
}
