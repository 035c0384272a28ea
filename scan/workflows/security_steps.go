package workflows

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/rhysd/actionlint"

	"github.com/threatmap/threatmap/evidence"
)

// stepKind is the security job a step does.
type stepKind int

const (
	secretScan stepKind = iota
	vulnScan
	sbomGen
)

var kindProperty = map[stepKind]evidence.Property{
	secretScan: evidence.CISecretScanning,
	vulnScan:   evidence.CIVulnScanning,
	sbomGen:    evidence.CISBOM,
}

var kindName = map[stepKind]string{
	secretScan: "secret scanning",
	vulnScan:   "vulnerability scanning",
	sbomGen:    "SBOM generation",
}

// securityStep is one step found doing a security job.
type securityStep struct {
	kind  stepKind
	tool  string
	gates bool
	why   string // how the gate is (not) set
	pos   *actionlint.Pos
	job   string
}

// actionTool describes a known security action: what it does and whether
// it fails the build by default, and which input changes that.
type actionTool struct {
	kind stepKind
	// gate returns whether the step fails the build on findings, and why.
	gate func(in map[string]*actionlint.Input) (bool, string)
}

func input(in map[string]*actionlint.Input, name string) (string, bool) {
	v, ok := in[name]
	if !ok || v == nil || v.Value == nil {
		return "", false
	}
	return strings.TrimSpace(v.Value.Value), true
}

// gateByDefault is a tool that fails on findings unless the input says
// otherwise.
func gateByDefault(name, off string) func(map[string]*actionlint.Input) (bool, string) {
	return func(in map[string]*actionlint.Input) (bool, string) {
		if v, ok := input(in, name); ok && strings.EqualFold(v, off) {
			return false, fmt.Sprintf("%s: %s turns the gate off", name, v)
		}
		return true, "fails the build on findings by default"
	}
}

var knownActions = map[string]actionTool{
	"aquasecurity/trivy-action": {vulnScan, func(in map[string]*actionlint.Input) (bool, string) {
		v, ok := input(in, "exit-code")
		if !ok || v == "0" || v == "" {
			return false, "exit-code is not set, so findings never fail the build"
		}
		return true, fmt.Sprintf("exit-code: %s fails the build on findings", v)
	}},
	"anchore/scan-action":              {vulnScan, gateByDefault("fail-build", "false")},
	"google/osv-scanner-action":        {vulnScan, gateByDefault("fail-on-vuln", "false")},
	"actions/dependency-review-action": {vulnScan, gateByDefault("warn-only", "true")},
	"pypa/gh-action-pip-audit":         {vulnScan, gateByDefault("internal-be-careful-allow-failure", "true")},
	"snyk/actions":                     {vulnScan, gateByDefault("", "")},
	"docker/scout-action": {vulnScan, func(in map[string]*actionlint.Input) (bool, string) {
		if v, ok := input(in, "exit-code"); ok && strings.EqualFold(v, "true") {
			return true, "exit-code: true fails the build on findings"
		}
		return false, "exit-code is not true, so findings never fail the build"
	}},
	"golang/govulncheck-action":        {vulnScan, gateByDefault("", "")},
	"gitleaks/gitleaks-action":         {secretScan, gateByDefault("", "")},
	"trufflesecurity/trufflehog":       {secretScan, gateByDefault("", "")},
	"anchore/sbom-action":              {sbomGen, func(map[string]*actionlint.Input) (bool, string) { return false, "generates an SBOM" }},
	"cyclonedx/gh-gomod-generate-sbom": {sbomGen, func(map[string]*actionlint.Input) (bool, string) { return false, "generates an SBOM" }},
}

// A command tool is recognised in a run: script.
type commandTool struct {
	kind stepKind
	name string
	// keyword must appear in a line before the regexp is tried; it keeps
	// long scripts cheap.
	keyword string
	re      *regexp.Regexp
	// gate reports whether this invocation fails the build on findings.
	gate func(cmd string) (bool, string)
}

func always(string) (bool, string) { return true, "exits non-zero on findings by default" }

func withFlag(flag *regexp.Regexp, yes, no string) func(string) (bool, string) {
	return func(cmd string) (bool, string) {
		if flag.MatchString(cmd) {
			return true, yes
		}
		return false, no
	}
}

// unless is a tool that gates by default unless off matches.
func unless(off *regexp.Regexp, yes, no string) func(string) (bool, string) {
	return func(cmd string) (bool, string) {
		if off.MatchString(cmd) {
			return false, no
		}
		return true, yes
	}
}

var commandTools = []commandTool{
	{vulnScan, "trivy", "trivy", regexp.MustCompile(`\btrivy\s+(image|fs|filesystem|repo|repository|rootfs|sbom|config|k8s)\b`),
		withFlag(regexp.MustCompile(`--exit-code[= ]+[1-9]`), "--exit-code fails the build on findings", "no --exit-code, so findings never fail the build")},
	{vulnScan, "grype", "grype", regexp.MustCompile(`\bgrype\s`),
		withFlag(regexp.MustCompile(`(--fail-on|-f)[= ]+\w`), "--fail-on fails the build on findings", "no --fail-on, so findings never fail the build")},
	{vulnScan, "osv-scanner", "osv-scanner", regexp.MustCompile(`\bosv-scanner\b`), always},
	{vulnScan, "npm audit", "audit", regexp.MustCompile(`\b(npm|pnpm|yarn)\s+audit\b`), always},
	{vulnScan, "pip-audit", "pip-audit", regexp.MustCompile(`\bpip-audit\b`), always},
	{vulnScan, "govulncheck", "govulncheck", regexp.MustCompile(`\bgovulncheck\b`), always},
	{vulnScan, "cargo audit", "cargo", regexp.MustCompile(`\bcargo\s+(audit|deny)\b`), always},
	{vulnScan, "bundler-audit", "audit", regexp.MustCompile(`\b(bundle\s+audit|bundler-audit)\b`), always},
	{vulnScan, "snyk", "snyk", regexp.MustCompile(`\bsnyk\s+(test|container\s+test)\b`), always},
	{vulnScan, "threatmap scan deps", "threatmap", regexp.MustCompile(`\bthreatmap\s+scan\s+deps\b`),
		unless(regexp.MustCompile(`--fail-on[= ]+none\b`), "fails the build on findings at or above --fail-on", "--fail-on none never fails the build")},
	{secretScan, "gitleaks", "gitleaks", regexp.MustCompile(`\bgitleaks\s+(detect|protect|git|dir)\b`),
		unless(regexp.MustCompile(`--exit-code[= ]+0\b`), "exits non-zero on leaks by default", "--exit-code 0 never fails the build")},
	{secretScan, "trufflehog", "trufflehog", regexp.MustCompile(`\btrufflehog\s`),
		withFlag(regexp.MustCompile(`--fail\b`), "--fail fails the build on verified secrets", "no --fail, so found secrets never fail the build")},
	{secretScan, "detect-secrets", "detect-secrets", regexp.MustCompile(`\bdetect-secrets(-hook|\s+audit)\b`), always},
	{secretScan, "threatmap scan secrets", "threatmap", regexp.MustCompile(`\bthreatmap\s+scan\s+secrets\b`),
		unless(regexp.MustCompile(`--fail-on[= ]+none\b`), "fails the build on findings at or above --fail-on", "--fail-on none never fails the build")},
	{sbomGen, "syft", "syft", regexp.MustCompile(`\bsyft\s`), nil},
	{sbomGen, "cdxgen", "cdxgen", regexp.MustCompile(`\bcdxgen\b`), nil},
	{sbomGen, "cyclonedx", "cyclonedx", regexp.MustCompile(`\bcyclonedx-(py|npm|gomod|bom)\b|\bcyclonedx\s`), nil},
	{sbomGen, "threatmap sbom", "threatmap", regexp.MustCompile(`\bthreatmap\s+sbom\b`), nil},
	{sbomGen, "trivy sbom", "trivy", regexp.MustCompile(`\btrivy\s.*--format[= ]+(cyclonedx|spdx|spdx-json)\b`), nil},
	{sbomGen, "docker sbom", "sbom", regexp.MustCompile(`\bdocker\s+sbom\b`), nil},
}

// swallowed matches shell idioms that discard a command's failure.
var swallowed = regexp.MustCompile(`\|\|\s*(true|:|exit\s+0|echo\b)|;\s*true\s*$`)

// findSecuritySteps lists the security steps of a workflow.
func findSecuritySteps(w *Workflow) []securityStep {
	var out []securityStep
	for _, j := range w.Jobs {
		jobSoft := j.ContinueOnError != nil && j.ContinueOnError.Value
		// A job can call a scanner's reusable workflow instead of steps.
		if c := j.WorkflowCall; c != nil && c.Uses != nil {
			r := parseUses(c.Uses.Value)
			if tool, ok := knownActions[r.repo]; ok {
				in := map[string]*actionlint.Input{}
				for k, v := range c.Inputs {
					if v != nil {
						in[k] = &actionlint.Input{Name: v.Name, Value: v.Value}
					}
				}
				gates, why := tool.gate(in)
				if jobSoft && gates {
					gates, why = false, "continue-on-error: true lets the build pass anyway"
				}
				out = append(out, securityStep{kind: tool.kind, tool: r.repo, gates: gates, why: why, pos: c.Uses.Pos, job: jobID(j)})
			}
		}
		for _, s := range j.Steps {
			soft := jobSoft || s.ContinueOnError != nil && s.ContinueOnError.Value
			var found []securityStep
			switch e := s.Exec.(type) {
			case *actionlint.ExecAction:
				r := parseUses(str(e.Uses))
				tool, ok := knownActions[r.repo]
				if !ok {
					continue
				}
				gates, why := tool.gate(e.Inputs)
				found = append(found, securityStep{kind: tool.kind, tool: r.repo, gates: gates, why: why, pos: e.Uses.Pos})
			case *actionlint.ExecRun:
				for _, line := range strings.Split(str(e.Run), "\n") {
					if c := strings.Index(line, "#"); c >= 0 && (c == 0 || line[c-1] == ' ') {
						line = line[:c]
					}
					for _, t := range commandTools {
						if !strings.Contains(line, t.keyword) || !t.re.MatchString(line) {
							continue
						}
						st := securityStep{kind: t.kind, tool: t.name, pos: w.lineOf(e.Run.Pos, str(e.Run), strings.TrimSpace(line))}
						if t.gate != nil {
							st.gates, st.why = t.gate(line)
							if st.gates && swallowed.MatchString(line) {
								st.gates, st.why = false, "its failure is swallowed (|| true)"
							}
						} else {
							st.why = "generates an SBOM"
						}
						found = append(found, st)
					}
				}
			}
			for _, f := range found {
				if soft && f.gates {
					f.gates, f.why = false, "continue-on-error: true lets the build pass anyway"
				}
				f.job = jobID(j)
				out = append(out, f)
			}
		}
	}
	return out
}

// securitySteps reports, for each of secret scanning, vulnerability
// scanning and SBOM generation, whether the workflow does it; scanning
// holds only when a step gates the build, since a scan nobody has to act
// on is not a control.
func securitySteps(w *Workflow) []evidence.Observation {
	steps := findSecuritySteps(w)
	var out []evidence.Observation
	for _, kind := range []stepKind{secretScan, vulnScan, sbomGen} {
		o := evidence.Observation{Scanner: ScannerName, Property: kindProperty[kind], Subject: w.File, File: w.File}
		var best *securityStep
		for i := range steps {
			s := &steps[i]
			if s.kind != kind {
				continue
			}
			if best == nil || s.gates && !best.gates {
				best = s
			}
		}
		switch {
		case best == nil:
			o.Detail = "no " + kindName[kind] + " step"
		case kind == sbomGen:
			o.Holds, o.Line = true, orPos(best.pos).Line
			o.Detail = fmt.Sprintf("%s in job %s generates an SBOM", best.tool, best.job)
		default:
			o.Holds, o.Line = best.gates, orPos(best.pos).Line
			verb := "runs and gates the build"
			if !best.gates {
				verb = "runs but does not gate the build"
			}
			o.Detail = fmt.Sprintf("%s in job %s %s: %s", best.tool, best.job, verb, best.why)
		}
		out = append(out, o)
	}
	return out
}

// propertyObservations confirms, per workflow, the properties its
// findings would refute, so that a clean workflow verifies a control
// rather than merely not failing it.
func propertyObservations(w *Workflow, findings []evidence.Finding) []evidence.Observation {
	rulesBy := map[evidence.Property][]string{}
	count := map[evidence.Property]int{}
	for _, f := range findings {
		count[f.Property]++
		if !slices.Contains(rulesBy[f.Property], f.Rule) {
			rulesBy[f.Property] = append(rulesBy[f.Property], f.Rule)
		}
	}
	holds := map[evidence.Property]string{
		evidence.ActionsPinned:       "every action and reusable workflow is pinned to a full commit SHA",
		evidence.WorkflowPermissions: "every job has explicit GITHUB_TOKEN permissions without write-all",
		evidence.NoWorkflowInjection: "no attacker-controlled context reaches a script, no privileged trigger runs untrusted code, no public trigger reaches a self-hosted runner",
	}
	var out []evidence.Observation
	for _, p := range []evidence.Property{evidence.ActionsPinned, evidence.WorkflowPermissions, evidence.NoWorkflowInjection} {
		o := evidence.Observation{Scanner: ScannerName, Property: p, Subject: w.File, File: w.File, Holds: count[p] == 0, Detail: holds[p]}
		if !o.Holds {
			slices.Sort(rulesBy[p])
			o.Detail = fmt.Sprintf("%d finding(s): %s", count[p], strings.Join(rulesBy[p], ", "))
		}
		out = append(out, o)
	}
	return out
}
