package deps

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// maxLockDepth bounds the nesting of a lockfileVersion 1 file, so that a
// hostile file cannot exhaust the stack.
const maxLockDepth = 256

// parsePackageLockV1 reads the nested "dependencies" maps of a
// lockfileVersion 1 package-lock.json (npm 5 and 6) with a streaming
// decoder, so that every package keeps the line of its key. Without the
// flat "packages" map of later versions, direct dependencies are the
// top-level entries package.json names.
func parsePackageLockV1(pc *parseCtx, data []byte) (result, error) {
	w := &v1Walker{pc: pc, dec: json.NewDecoder(bytes.NewReader(data)), idx: newLineIndex(data)}
	w.dec.UseNumber()
	if err := w.delim('{'); err != nil {
		return result{}, w.fail(err)
	}
	for w.dec.More() {
		key, err := w.key()
		if err != nil {
			return result{}, w.fail(err)
		}
		if key != "dependencies" {
			if err := w.skip(); err != nil {
				return result{}, w.fail(err)
			}
			continue
		}
		if err := w.deps(0, ""); err != nil {
			return result{}, w.fail(err)
		}
	}
	direct := packageJSONDirect(pc)
	for i := range w.res.packages {
		p := &w.res.packages[i]
		switch {
		case direct == nil:
			p.Relationship = Unknown
		case w.depth[i] == 0 && direct[w.installed[i]]:
			p.Relationship = Direct
		default:
			p.Relationship = Transitive
		}
	}
	// Resolution starts at the project: what package.json asks for, or,
	// without it, everything installed at the top.
	root := &npmInstall{pkg: -1}
	if direct != nil {
		for name := range direct {
			root.requires = append(root.requires, name)
		}
	} else {
		for i := range w.res.packages {
			if w.depth[i] == 0 {
				root.requires = append(root.requires, w.installed[i])
			}
		}
	}
	npmLocationPaths(w.res.packages, append(w.installs, root))
	w.res.pathsByLocation = true
	return w.res, nil
}

type v1Walker struct {
	pc    *parseCtx
	dec   *json.Decoder
	idx   lineIndex
	res   result
	depth []int // nesting depth of each package in res.packages
	// installed is each package's key, the name it is installed under
	// (an alias differs from the package's own name).
	installed []string
	// installs records where each package is installed and what it
	// requires, for paths per install location.
	installs []*npmInstall
}

func (w *v1Walker) fail(err error) error {
	if _, ok := err.(*ParseError); ok {
		return err
	}
	line, col := w.idx.pos(int(w.dec.InputOffset()))
	return &ParseError{File: w.pc.file, Line: line, Col: col, Err: err}
}

func (w *v1Walker) delim(want json.Delim) error {
	tok, err := w.dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return fmt.Errorf("expected %q, found %v", want, tok)
	}
	return nil
}

func (w *v1Walker) key() (string, error) {
	tok, err := w.dec.Token()
	if err != nil {
		return "", err
	}
	s, ok := tok.(string)
	if !ok {
		return "", fmt.Errorf("expected an object key, found %v", tok)
	}
	return s, nil
}

func (w *v1Walker) skip() error {
	var raw json.RawMessage
	return w.dec.Decode(&raw)
}

// deps reads one "dependencies" object; parent is the install location of
// the package it belongs to ("" for the project).
func (w *v1Walker) deps(depth int, parent string) error {
	if depth > maxLockDepth {
		return fmt.Errorf("dependencies nested deeper than %d levels", maxLockDepth)
	}
	if err := w.delim('{'); err != nil {
		return err
	}
	for w.dec.More() {
		name, err := w.key()
		if err != nil {
			return err
		}
		line, _ := w.idx.pos(int(w.dec.InputOffset()) - 1)
		if err := w.entry(name, line, depth, parent); err != nil {
			return err
		}
	}
	return w.delim('}')
}

// entry reads one package object; nested dependencies are read after the
// package itself is recorded, so parents come before children.
func (w *v1Walker) entry(name string, line, depth int, parent string) error {
	if err := w.delim('{'); err != nil {
		return err
	}
	loc := "node_modules/" + name
	if parent != "" {
		loc = parent + "/" + loc
	}
	in := &npmInstall{loc: loc, name: name}
	p := newPackage(NPM, name, "", w.pc.file, line)
	added := false
	add := func() {
		if !added && p.Version != "" {
			// An npm alias records "npm:real-name@version".
			if real, ok := strings.CutPrefix(p.Version, "npm:"); ok {
				if n, v, ok := splitNameAt(real); ok && v != "" {
					p.Name, p.Version = n, v
				}
			}
			p.PURL = purlFor(NPM, p.Name, p.Version)
			in.pkg = len(w.res.packages)
			w.installs = append(w.installs, in)
			w.res.add(p)
			w.depth = append(w.depth, depth)
			w.installed = append(w.installed, name)
		}
		added = true
	}
	for w.dec.More() {
		field, err := w.key()
		if err != nil {
			return err
		}
		switch field {
		case "version", "resolved", "integrity":
			var s string
			if err := w.dec.Decode(&s); err != nil {
				return err
			}
			switch field {
			case "version":
				p.Version = s
			case "resolved":
				npmSource(&p, s)
			case "integrity":
				if h, ok := sriHash(s); ok {
					p.Hashes = []Hash{h}
				}
			}
		case "dev":
			var b bool
			if err := w.dec.Decode(&b); err != nil {
				return err
			}
			p.Dev = b
		case "requires":
			var req map[string]string
			if err := w.dec.Decode(&req); err != nil {
				return err
			}
			for d := range req {
				w.res.edge(name, d)
				in.requires = append(in.requires, d)
			}
		case "dependencies":
			add()
			if err := w.deps(depth+1, loc); err != nil {
				return err
			}
		default:
			if err := w.skip(); err != nil {
				return err
			}
		}
	}
	add()
	return w.delim('}')
}
