package deps

import (
	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/evidence"
)

// ScannerName is the Scanner field of every finding this package emits.
const ScannerName = "deps"

// Rule ids.
const (
	RuleKnownVulnerability  = "known-vulnerability"
	RuleMissingLockfile     = "missing-lockfile"
	RuleUnpinnedRequirement = "unpinned-requirement"
	RuleUnpinnedSource      = "unpinned-source"
	RuleUnparsable          = "unparsable-dependency-file"
	RuleDependencyConfusion = "extra-index-url"
)

// RuleInfo describes one of this scanner's rules.
type RuleInfo = evidence.RuleInfo

// Rules lists every rule the deps scanner reports, in a fixed order.
func Rules() []RuleInfo {
	return []RuleInfo{
		{
			ID:    RuleKnownVulnerability,
			Title: "Dependency with a known vulnerability",
			Description: "A package version in a lockfile or manifest is inside the affected range of an OSV advisory. " +
				"Attackers scan for such versions automatically; a vulnerable library deep in the tree (a logging " +
				"dependency, say) is a foothold into everything the service can reach. Upgrade to the fixed version, " +
				"or record why the vulnerable code is unreachable.",
			Severity: threatmap.High,
		},
		{
			ID:    RuleMissingLockfile,
			Title: "Manifest without a lockfile",
			Description: "A manifest (package.json, go.mod, Pipfile, pyproject.toml, Cargo.toml, Gemfile) declares " +
				"dependencies but no lockfile pins them, so each install resolves whatever the registry serves that day, " +
				"including a freshly compromised release. Commit the lockfile and install from it (npm ci, pip install " +
				"--require-hashes, cargo build --locked).",
			Severity: threatmap.Medium,
		},
		{
			ID:    RuleUnpinnedRequirement,
			Title: "Unpinned or ranged requirement",
			Description: "A pip requirements line names no version or a range instead of one exact version (==), so " +
				"builds are not reproducible and a malicious new release is installed automatically. Pin every " +
				"requirement, ideally generated with hashes by pip-compile or uv.",
			Severity: threatmap.Medium,
		},
		{
			ID:    RuleUnpinnedSource,
			Title: "Dependency from git or a URL without a pinned commit",
			Description: "A dependency is fetched from a git branch or tag, or from an archive URL, with no full commit " +
				"SHA or hash. Whoever can push to that branch, move that tag or serve that URL decides what code you " +
				"install. Pin the full commit SHA, or publish the package to a registry and pin its version.",
			Severity: threatmap.Medium,
		},
		{
			ID:    RuleDependencyConfusion,
			Title: "Extra package index without hashes (dependency confusion)",
			Description: "A requirements file adds --extra-index-url, so pip looks up every package on both indexes and " +
				"takes the highest version. Anyone can publish your private package names on the public index with a " +
				"higher version and have them installed. Serve both through one --index-url proxy, or pin every " +
				"requirement with --hash so pip rejects files it was not told about.",
			Severity: threatmap.Medium,
		},
		{
			ID:    RuleUnparsable,
			Title: "Dependency file that cannot be read",
			Description: "A lockfile or manifest could not be parsed, so its dependencies were not checked. The " +
				"finding names the position of the problem; fix or regenerate the file.",
			Severity: threatmap.Low,
		},
	}
}
