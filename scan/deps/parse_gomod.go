package deps

import (
	"path"
	"strings"

	"golang.org/x/mod/modfile"
)

// parseGoMod reads go.mod. Since Go 1.17 go.mod lists every module in the
// build, marking the ones the main module does not import itself with
// "// indirect"; replace directives decide which code is really built.
func parseGoMod(pc *parseCtx, data []byte) (result, error) {
	f, err := modfile.Parse(pc.file, data, nil)
	if err != nil {
		// modfile errors already read file:line:col: message.
		var line, col int
		if el, ok := err.(modfile.ErrorList); ok && len(el) > 0 {
			line, col = el[0].Pos.Line, el[0].Pos.LineRune
			err = el[0].Err
		}
		return result{}, &ParseError{File: pc.file, Line: line, Col: col, Err: err}
	}
	replaced := map[string]*modfile.Replace{}
	for _, r := range f.Replace {
		// A replace without a version applies to every version.
		replaced[r.Old.Path+"@"+r.Old.Version] = r
	}
	var res result
	for _, r := range f.Require {
		name, version := r.Mod.Path, r.Mod.Version
		line := 0
		if r.Syntax != nil {
			line = r.Syntax.Start.Line
		}
		p := newPackage(Go, name, version, pc.file, line)
		rep := replaced[name+"@"+version]
		if rep == nil {
			rep = replaced[name+"@"]
		}
		if rep != nil {
			if rep.New.Version == "" || strings.HasPrefix(rep.New.Path, ".") || strings.HasPrefix(rep.New.Path, "/") {
				p.Source = Path
				p.SourceURL = rep.New.Path
			} else {
				p = newPackage(Go, rep.New.Path, rep.New.Version, pc.file, line)
			}
		}
		p.Relationship = Direct
		if r.Indirect {
			p.Relationship = Transitive
		}
		res.add(p)
	}
	res.packages = append(res.packages, goToolchainPackages(pc.file, f)...)
	if !completeGraph(f) {
		if sum, ok := pc.sibling("go.sum"); ok {
			res.packages = append(res.packages, modulesFromGoSum(path.Join(path.Dir(pc.file), "go.sum"), sum, f, res.packages)...)
		}
	}
	return res, nil
}
