package workflows

import (
	"path"
	"sort"
	"strings"
)

// Index records, for the local composite actions and reusable workflows of
// a repository, which of their inputs end up in a script, so that a caller
// passing an attacker-controlled value to such an input is flagged where it
// passes it. Keys are slash-separated paths relative to the scanned root:
// an action's directory, a reusable workflow's file.
type Index map[string][]string

// add records what a parsed workflow or composite action does with its
// inputs, under key.
func (idx Index) add(key string, w *Workflow) {
	set := map[string]bool{}
	for _, j := range w.Jobs {
		for _, s := range j.Steps {
			for _, site := range w.codeSites(s) {
				for _, u := range valuePaths(site.value.Value) {
					if name, ok := strings.CutPrefix(u.path, "inputs."); ok && name != "*" && w.callerInput(name) {
						set[name] = true
					}
				}
			}
		}
	}
	if len(set) == 0 {
		return
	}
	names := make([]string, 0, len(set))
	for n := range set {
		names = append(names, n)
	}
	sort.Strings(names)
	idx[key] = names
}

// codeInputsOf returns the inputs of the local action or reusable workflow
// a uses: value names that flow into a script. GitHub resolves ./ against
// the repository root, which is taken to be the scanned root.
func (idx Index) codeInputsOf(_ string, uses string) []string {
	if idx == nil {
		return nil
	}
	ref, _, _ := strings.Cut(uses, "@")
	key := path.Clean(strings.TrimPrefix(ref, "./"))
	return idx[key]
}
