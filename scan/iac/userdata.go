package iac

import (
	"fmt"
	"regexp"
	"strings"
)

// scriptSecret is a credential written into a boot script.
type scriptSecret struct {
	// line is the index of the script line, from 0.
	line  int
	name  string
	value string
}

var (
	// shellAssign matches NAME=value in shell and NAME = value in
	// PowerShell, with an optional export/set/$env: prefix.
	shellAssign = regexp.MustCompile(`(?i)(?:^|[\s;&(])(?:export\s+|set\s+|\$env:)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*("[^"]*"|'[^']*'|[^\s;&)]+)`)
	// awsConfigure matches `aws configure set aws_secret_access_key VALUE`.
	awsConfigure = regexp.MustCompile(`(?i)\baws\s+configure\s+set\s+(aws_secret_access_key|aws_access_key_id|aws_session_token)\s+("[^"]*"|'[^']*'|\S+)`)
	// passwordFlag matches --password=VALUE and --password VALUE.
	// quotedPair matches 'NAME', 'VALUE' (PHP define), "NAME": "VALUE"
	// (JSON) and 'NAME' => 'VALUE' in configuration files a script writes.
	quotedPair   = regexp.MustCompile(`(['"])([A-Za-z_][A-Za-z0-9_.-]*)['"]\s*(?:,|:|=>)\s*(['"])([^'"]+)['"]`)
	passwordFlag = regexp.MustCompile(`(?i)--(password|passwd|token|secret|api-key)[= ]("[^"]*"|'[^']*'|[^\s-][^\s]*)`)
	awsKeyID     = regexp.MustCompile(`^(AKIA|ASIA)[0-9A-Z]{16}$`)
)

// scriptSecrets finds literal credentials in a boot script (EC2 user data):
// assignments to secret-named variables, access key ids, `aws configure
// set` and password flags. Values that are expansions ($VAR, $(cmd),
// ${...}) or placeholders are not secrets.
func scriptSecrets(script string) []scriptSecret {
	var out []scriptSecret
	for i, line := range strings.Split(script, "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "#") {
			continue
		}
		add := func(name, value string) {
			v := strings.Trim(value, `"'`)
			if v == "" || strings.ContainsAny(v, "$`") || strings.Contains(v, "{{") || looksLikePlaceholder(v) {
				return
			}
			out = append(out, scriptSecret{line: i, name: name, value: v})
		}
		for _, m := range shellAssign.FindAllStringSubmatch(line, -1) {
			v := strings.Trim(m[2], `"'`)
			if isSecretName(m[1]) || awsKeyID.MatchString(v) {
				add(m[1], m[2])
			}
		}
		for _, m := range quotedPair.FindAllStringSubmatch(line, -1) {
			if isSecretName(m[2]) {
				add(m[2], m[4])
			}
		}
		for _, m := range awsConfigure.FindAllStringSubmatch(line, -1) {
			add(m[1], m[2])
		}
		for _, m := range passwordFlag.FindAllStringSubmatch(line, -1) {
			add("--"+m[1], m[2])
		}
	}
	return out
}

// reportUserData turns the secrets of one resource's boot script into one
// finding, at the first secret's line, masked unless revealed.
func reportUserData(r *results, file string, firstLine int, resource string, secrets []scriptSecret) {
	if len(secrets) == 0 {
		return
	}
	var names []string
	seen := map[string]bool{}
	for _, s := range secrets {
		if !seen[s.name] {
			seen[s.name] = true
			names = append(names, s.name)
		}
	}
	f := r.finding(ruleSecretLiteral, 0, file, firstLine+secrets[0].line, resource, "user_data",
		fmt.Sprintf("the user data of %s writes credentials into the boot script (%s): anyone who can describe the instance, or reach its metadata service, reads them", resource, strings.Join(names, ", ")))
	f.Secret = r.mask(secrets[0].value)
}
