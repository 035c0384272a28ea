package secrets

import (
	"regexp"
	"strings"
)

// A CI pipeline names its secrets; it does not hold them. Each CI system
// has its own way to reference a secret store, and none of them is a
// secret:
//
//   - GitHub Actions: ${{ secrets.NAME }}, ${{ vars.NAME }}, secrets: inherit
//   - GitLab CI: $NAME, ${NAME}, and secrets: with vault:, gcp_secret_manager:
//     or azure_key_vault:
//   - Jenkins: credentials('id'), withCredentials([...credentialsId: 'id',
//     variable: 'NAME']), env.NAME, params.NAME
//   - CircleCI: $NAME, contexts, << pipeline.parameters.x >>
//   - Azure Pipelines: $(name), $[variables.name], variable groups, the
//     AzureKeyVault task's SecretsFilter
//   - Drone: from_secret: name
//
// Values starting with $ never match the configuration pattern; ciCheck
// drops the rest.

// ciCall is a value that is a function call (credentials('id'),
// vault("path")) or a variable of the CI system (env.NAME, params.NAME).
var ciCall = regexp.MustCompile(`^(?:[A-Za-z_][A-Za-z0-9_.]*\(|(?:env|params|secrets|vars|inputs|variables)\.[A-Za-z_])`)

// ciReferenceNames are keys whose value names a secret in a store rather
// than holding one, in their lower-case, separator-free form.
var ciReferenceNames = map[string]bool{
	"fromsecret":       true,                                                                           // Drone
	"secretsfilter":    true,                                                                           // Azure Pipelines AzureKeyVault task
	"secrets":          true,                                                                           // GitHub Actions "secrets: inherit"
	"credentialsid":    true,                                                                           // Jenkins
	"passwordvariable": true, "usernamevariable": true, "tokenvariable": true, "keyfilevariable": true, // Jenkins bindings
	"secretref": true, "secretkeyref": true, "secretname": true, "keyvaultname": true,
}

// ciCheck is the check for a secret-named key in a CI file: a literal, and
// not a reference to the CI system's secret store.
func ciCheck(secret, name string) bool {
	if !literalCheck(secret, name) {
		return false
	}
	key := strings.NewReplacer("_", "", "-", "", ".", "").Replace(strings.ToLower(name))
	if ciReferenceNames[key] {
		return false
	}
	if ciCall.MatchString(secret) {
		return false
	}
	// %NAME% is a Windows batch variable.
	if len(secret) > 2 && secret[0] == '%' && secret[len(secret)-1] == '%' {
		return false
	}
	return true
}
