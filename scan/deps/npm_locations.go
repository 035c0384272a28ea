package deps

import (
	"slices"
	"strings"
)

// npmInstall is one package installed at one place in a node_modules tree:
// its location ("node_modules/a/node_modules/b"), the name it is installed
// under, what it requires, and its index in the parser's package list (-1
// for the project itself and workspace folders, which are not packages).
type npmInstall struct {
	loc      string
	name     string
	requires []string
	pkg      int
}

// npmResolve finds the location a package at from gets when it requires
// name, as Node's module resolution does: from/node_modules/name, then the
// same in each enclosing node_modules folder, up to the root.
func npmResolve(byLoc map[string]*npmInstall, from, name string) *npmInstall {
	dir := from
	for {
		cand := "node_modules/" + name
		if dir != "" {
			cand = dir + "/" + cand
		}
		if in, ok := byLoc[cand]; ok {
			return in
		}
		if dir == "" {
			return nil
		}
		i := strings.LastIndex(dir, "node_modules/")
		switch {
		case i < 0:
			dir = "" // a workspace folder: next is the root
		case i == 0:
			dir = ""
		default:
			dir = strings.TrimSuffix(dir[:i], "/")
		}
	}
}

// npmLocationPaths sets the Via and Path of every installed package from
// its own location: Via names the packages whose requirement resolves to
// that copy, and Path is the shortest chain of requirements from a package the project
// (or a workspace) requires directly to that copy. Copies of one version
// installed in several places get each their own path, which a path
// computed by name alone cannot tell apart.
func npmLocationPaths(packages []Package, installs []*npmInstall) {
	byLoc := make(map[string]*npmInstall, len(installs))
	for _, in := range installs {
		byLoc[in.loc] = in
	}
	// Via: the packages whose requirement resolves to this very copy.
	via := map[int][]string{}
	for _, in := range installs {
		if in.pkg < 0 {
			continue
		}
		for _, r := range in.requires {
			if c := npmResolve(byLoc, in.loc, r); c != nil && c.pkg >= 0 {
				via[c.pkg] = append(via[c.pkg], packages[in.pkg].Name)
			}
		}
	}
	for i, v := range via {
		slices.Sort(v)
		packages[i].Via = slices.Compact(v)
	}
	type step struct {
		in   *npmInstall
		path []string
	}
	var queue []step
	seen := map[string]bool{}
	for _, in := range installs {
		if in.pkg >= 0 {
			continue // roots are the project and its workspaces
		}
		reqs := slices.Clone(in.requires)
		slices.Sort(reqs)
		for _, r := range reqs {
			if c := npmResolve(byLoc, in.loc, r); c != nil && !seen[c.loc] {
				seen[c.loc] = true
				queue = append(queue, step{c, []string{packages[c.pkg].Name}})
			}
		}
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		if len(s.path) > 1 && packages[s.in.pkg].Relationship != Direct {
			packages[s.in.pkg].Path = s.path
		}
		reqs := slices.Clone(s.in.requires)
		slices.Sort(reqs)
		for _, r := range reqs {
			c := npmResolve(byLoc, s.in.loc, r)
			if c == nil || c.pkg < 0 || seen[c.loc] {
				continue
			}
			seen[c.loc] = true
			queue = append(queue, step{c, append(slices.Clone(s.path), packages[c.pkg].Name)})
		}
	}
}
