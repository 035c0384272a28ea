package deps

import (
	"testing"
)

// fuzzParser checks that a parser never panics and that what it returns
// is well formed: an error names the file, packages have names and
// positions inside the file.
func fuzzParser(f *testing.F, file string, parse parserFunc, seeds ...string) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		pc := &parseCtx{file: file, sibling: func(string) ([]byte, bool) { return nil, false }}
		res, err := parse(pc, data)
		if err != nil {
			if pe, ok := err.(*ParseError); ok && pe.File != file {
				t.Fatalf("error names %q, want %q", pe.File, file)
			}
			return
		}
		// YAML also breaks lines at a lone carriage return.
		lines := 1
		for i, b := range data {
			if b == '\n' || b == '\r' && (i+1 == len(data) || data[i+1] != '\n') {
				lines++
			}
		}
		for _, p := range res.packages {
			if p.Line < 0 || p.Line > lines {
				t.Fatalf("package %s at line %d of a %d-line file", p.Name, p.Line, lines)
			}
			if p.PURL == "" {
				t.Fatalf("package %q has no purl", p.Name)
			}
		}
	})
}

func FuzzGoMod(f *testing.F) {
	fuzzParser(f, "go.mod", parseGoMod, "module m\n\nrequire (\n\tgolang.org/x/text v0.3.6 // indirect\n)\nreplace a => ../a\n")
}

func FuzzPackageLock(f *testing.F) {
	fuzzParser(f, "package-lock.json", parsePackageLock, `{"lockfileVersion":3,"packages":{"":{"dependencies":{"a":"1"}},"node_modules/a":{"version":"1.0.0","resolved":"git+https://x#abc"}}}`)
}

func FuzzPackageJSON(f *testing.F) {
	fuzzParser(f, "package.json", parsePackageJSON, "{\n  \"dependencies\": {\n    \"a\": \"github:o/r#main\"\n  }\n}")
}

func FuzzYarnLock(f *testing.F) {
	fuzzParser(f, "yarn.lock", parseYarnLock, "\"a@^1\", a@^1.1:\n  version \"1.2.0\"\n  resolved \"https://r/a/-/a-1.2.0.tgz#x\"\n", "\"a@npm:^1\":\n  version: 1.2.0\n  resolution: \"a@npm:1.2.0\"\n")
}

func FuzzPnpmLock(f *testing.F) {
	fuzzParser(f, "pnpm-lock.yaml", parsePnpmLock, "lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies:\n      a:\n        version: 1.0.0\npackages:\n  a@1.0.0:\n    resolution: {integrity: x}\n", "lockfileVersion: 5.4\npackages:\n  /a/1.0.0_b@2:\n    dev: true\n")
}

func FuzzRequirements(f *testing.F) {
	fuzzParser(f, "requirements.txt", parseRequirements, "a==1.0 \\\n  --hash=sha256:x\n    # via -r r.in\nb>=2 ; python_version<'3'\n-e git+https://h/r@main#egg=c\nd @ https://u:p@h/d.tgz\n")
}

func FuzzPoetryLock(f *testing.F) {
	fuzzParser(f, "poetry.lock", parsePoetryLock, "[[package]]\nname = \"a\"\nversion = \"1.0\"\nfiles = [\n  {file = \"x\"},\n]\n[package.source]\ntype = \"git\"\nurl = \"u\"\n")
}

func FuzzPipfileLock(f *testing.F) {
	fuzzParser(f, "Pipfile.lock", parsePipfileLock, "{\n    \"default\": {\n        \"a\": {\n            \"version\": \"==1.0\"\n        }\n    }\n}")
}

func FuzzUVLock(f *testing.F) {
	fuzzParser(f, "uv.lock", parseUVLock, "version = 1\n[[package]]\nname = \"p\"\nversion = \"0.1\"\nsource = { editable = \".\" }\ndependencies = [\n  { name = \"a\" },\n]\n[[package]]\nname = \"a\"\nversion = \"1\"\nsource = { registry = \"r\" }\n")
}

func FuzzCargoLock(f *testing.F) {
	fuzzParser(f, "Cargo.lock", parseCargoLock, "version = 3\n[[package]]\nname = \"root\"\nversion = \"0.1.0\"\ndependencies = [\n \"a 1.0.0\",\n]\n[[package]]\nname = \"a\"\nversion = \"1.0.0\"\nsource = \"registry+https://x\"\n")
}

func FuzzGemfileLock(f *testing.F) {
	fuzzParser(f, "Gemfile.lock", parseGemfileLock, "GEM\n  remote: https://rubygems.org/\n  specs:\n    rack (2.2.8)\n      x (>= 1)\n\nDEPENDENCIES\n  rack\n")
}

// FuzzOSVRecord checks that arbitrary advisory records never panic the
// loader or the matcher.
func FuzzOSVRecord(f *testing.F) {
	f.Add([]byte(`{"id":"X","affected":[{"package":{"ecosystem":"npm","name":"a"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.0.0"}]}],"versions":["0.5.0"]}],"severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}]}`), "0.9.0")
	f.Add([]byte(`[{"id":"Y","affected":[{"package":{"ecosystem":"PyPI","name":"A_b"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"1.0"},{"last_affected":"2.0"}]}]}]}]`), "1.5")
	f.Fuzz(func(t *testing.T, data []byte, version string) {
		recs, err := decodeRecords(data)
		if err != nil {
			return
		}
		db := newDB()
		for _, r := range recs {
			if r != nil {
				db.add(r)
			}
		}
		for _, eco := range []Ecosystem{Go, NPM, PyPI, CratesIO, RubyGems} {
			for _, r := range recs {
				if r == nil {
					continue
				}
				for _, a := range r.Affected {
					db.Match(newPackage(eco, a.Package.Name, version, "f", 1))
				}
			}
		}
	})
}

func FuzzTOML(f *testing.F) {
	f.Add([]byte("a = \"b\" # c\n[t]\nx = [\n  1, # one\n  \"two\",\n]\ny = { k = 'v', n = [1] }\nz = \"\"\"\nmulti\n\"\"\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		tables, err := parseTOML("f.toml", data)
		if err != nil {
			return
		}
		for _, tb := range tables {
			for _, kv := range tb.kvs {
				tomlArray(kv.raw)
				tomlInline(kv.raw)
				tomlString(kv.raw)
			}
		}
	})
}

// FuzzOSVYAML holds the YAML record reader to never panic, and to refuse
// alias bombs instead of expanding them.
func FuzzOSVYAML(f *testing.F) {
	f.Add([]byte("id: A\naffected:\n- package: {name: a, ecosystem: PyPI}\n  ranges:\n  - type: ECOSYSTEM\n    events:\n    - introduced: \"0\"\n    - fixed: 1.10\n"), "1.9")
	f.Add([]byte("a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\nid: B\n"), "1")
	f.Add([]byte("---\nid: C\n---\n- id: D\n"), "0")
	f.Fuzz(func(t *testing.T, data []byte, version string) {
		recs, err := decodeYAMLRecords(data)
		if err != nil {
			return
		}
		db := newDB()
		for _, r := range recs {
			db.add(r)
		}
		for _, r := range recs {
			for _, a := range r.Affected {
				db.Match(newPackage(PyPI, a.Package.Name, version, "f", 1))
			}
		}
	})
}

// FuzzGoSum holds the go.sum reader of pre-1.17 modules to never panic.
func FuzzGoSum(f *testing.F) {
	f.Add([]byte("module m\n\ngo 1.16\n\nrequire a.example/x v1.0.0\n"), []byte("b.example/y v1.2.0 h1:x=\nb.example/y v1.3.0/go.mod h1:y=\n"))
	f.Fuzz(func(t *testing.T, mod, sum []byte) {
		pc := &parseCtx{file: "go.mod", sibling: func(name string) ([]byte, bool) { return sum, name == "go.sum" }}
		res, err := parseGoMod(pc, mod)
		if err != nil {
			return
		}
		for _, p := range res.packages {
			if p.Name == "" || p.Ecosystem != Go {
				t.Fatalf("bad package %+v", p)
			}
		}
	})
}

func FuzzPDMLock(f *testing.F) {
	fuzzParser(f, "pdm.lock", parsePDMLock, "[metadata]\ngroups = [\"default\"]\n[[package]]\nname = \"a\"\nversion = \"1\"\ngroups = [\"default\"]\ndependencies = [\n  \"b>=1\",\n]\n[[package]]\nname = \"b\"\nversion = \"2\"\ngit = \"https://h/b\"\nrevision = \"abc\"\n")
}
