package deps

// markDevByReach marks as development-only the packages that only the
// project's development groups pull in: a package reachable (through the
// lockfile's edges) from a main dependency is needed at run time; one
// reachable only from dev, test, docs or lint groups is not. Lockfiles that
// keep no per-package group (poetry 1.5+, uv, pnpm 9, yarn) need this to
// tell a production dependency from a test tool. Nothing changes when the
// manifest names no development group.
func markDevByReach(pkgs []Package, edges [][2]string, main, dev map[string]bool) {
	if len(dev) == 0 || len(pkgs) == 0 {
		return
	}
	eco := pkgs[0].Ecosystem
	children := map[string][]string{}
	for _, e := range edges {
		p, c := normalizeName(eco, e[0]), normalizeName(eco, e[1])
		children[p] = append(children[p], c)
	}
	reach := func(from map[string]bool) map[string]bool {
		seen := map[string]bool{}
		var queue []string
		for n := range from {
			n = normalizeName(eco, n)
			if !seen[n] {
				seen[n] = true
				queue = append(queue, n)
			}
		}
		for len(queue) > 0 {
			n := queue[0]
			queue = queue[1:]
			for _, c := range children[n] {
				if !seen[c] {
					seen[c] = true
					queue = append(queue, c)
				}
			}
		}
		return seen
	}
	runtime, devOnly := reach(main), reach(dev)
	for i := range pkgs {
		n := normalizeName(eco, pkgs[i].Name)
		if devOnly[n] && !runtime[n] {
			pkgs[i].Dev = true
		}
	}
}
