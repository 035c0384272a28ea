package deps

import (
	"bufio"
	"bytes"
	"regexp"
	"strings"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
)

// Pseudo-packages under which the Go vulnerability database (and OSV's Go
// ecosystem) files advisories for the standard library and the go command.
const (
	goStdlib    = "stdlib"
	goToolchain = "toolchain"
)

// goRelease matches a Go release as the go and toolchain directives write
// it: 1.21, 1.21.3, 1.21rc2, go1.22.1.
var goRelease = regexp.MustCompile(`^(?:go)?(\d+)\.(\d+)(?:\.(\d+))?(?:(rc|beta)(\d+))?$`)

// goReleaseVersion turns a go or toolchain directive into the semantic
// version the Go vulnerability database uses: 1.21 is 1.21.0 (the first
// release of the line, the oldest the directive allows), 1.21rc2 is
// 1.21.0-rc.2. It returns "" for a value it does not recognise.
func goReleaseVersion(s string) string {
	m := goRelease.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return ""
	}
	patch := m[3]
	if patch == "" {
		patch = "0"
	}
	v := m[1] + "." + m[2] + "." + patch
	if m[4] != "" {
		v += "-" + m[4] + "." + m[5]
	}
	return v
}

// goToolchainPackages returns the standard library and the go command a
// module is built with, as packages that advisories can match: the toolchain
// directive names the exact release when present, otherwise the go
// directive gives the oldest release the module allows, which is what a
// build with that release would ship. The toolchain is build tooling and not
// part of the shipped code, so it is marked as such.
func goToolchainPackages(file string, f *modfile.File) []Package {
	var version, directive string
	var line int
	switch {
	case f.Toolchain != nil && f.Toolchain.Name != "default":
		version, directive = goReleaseVersion(f.Toolchain.Name), "toolchain"
		line = f.Toolchain.Syntax.Start.Line
	case f.Go != nil:
		version, directive = goReleaseVersion(f.Go.Version), "go"
		line = f.Go.Syntax.Start.Line
	}
	if version == "" {
		return nil
	}
	std := newPackage(Go, goStdlib, version, file, line)
	std.Relationship, std.directive = Direct, directive
	tc := newPackage(Go, goToolchain, version, file, line)
	tc.Relationship, tc.directive = Direct, directive
	tc.Toolchain = true
	return []Package{std, tc}
}

// completeGraph reports whether go.mod lists every module of the build:
// true since Go 1.17 (module graph pruning), when go.mod records indirect
// requirements too.
func completeGraph(f *modfile.File) bool {
	if f.Go == nil {
		return false
	}
	return semver.Compare("v"+goReleaseVersion(f.Go.Version), "v1.17.0") >= 0
}

// modulesFromGoSum completes the module list of a go.mod older than Go 1.17,
// which names only the main module's direct requirements. go.sum records
// every module version of the module graph the go command read; minimal
// version selection builds with the highest version of each module, so the
// highest version go.sum records for a module not already listed is the one
// `go list -m all` reports. Modules replaced in go.mod are left to go.mod.
func modulesFromGoSum(file string, sum []byte, f *modfile.File, listed []Package) []Package {
	known := map[string]bool{}
	for _, p := range listed {
		known[p.Name] = true
	}
	for _, r := range f.Require {
		known[r.Mod.Path] = true
	}
	for _, r := range f.Replace {
		known[r.Old.Path] = true
	}
	if f.Module != nil {
		known[f.Module.Mod.Path] = true
	}
	type best struct {
		version string
		line    int
	}
	highest := map[string]best{}
	var order []string
	sc := bufio.NewScanner(bytes.NewReader(sum))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		fields := strings.Fields(sc.Text())
		if len(fields) != 3 {
			continue
		}
		mod, version := fields[0], strings.TrimSuffix(fields[1], "/go.mod")
		if known[mod] || module.CheckPath(mod) != nil || !semver.IsValid(version) {
			continue
		}
		b, seen := highest[mod]
		if !seen {
			order = append(order, mod)
		}
		if !seen || semver.Compare(version, b.version) > 0 {
			highest[mod] = best{version: version, line: n}
		}
	}
	out := make([]Package, 0, len(order))
	for _, mod := range order {
		b := highest[mod]
		p := newPackage(Go, mod, b.version, file, b.line)
		p.Relationship = Transitive
		out = append(out, p)
	}
	return out
}

// goDirectiveOf names the go.mod directive a stdlib or toolchain package
// was read from, for messages.
func goDirectiveOf(p Package) string {
	if p.directive != "" {
		return p.directive
	}
	return "go"
}
