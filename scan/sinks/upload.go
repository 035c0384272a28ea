package sinks

import (
	"regexp"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"
)

// RuleUploadNoSizeLimit and RuleUploadNoTypeCheck: an upload handler that
// takes files of any size (multer without limits.fileSize, a FastAPI
// UploadFile read whole) or of any kind (no fileFilter, no look at the
// content type, extension or magic bytes anywhere in the file).

// typeCheckRE matches code that looks at what kind of file arrived.
var typeCheckRE = regexp.MustCompile(`(?i)mime_?type|content_?type|file-?type|fileTypeFrom|magic|imghdr|extname|splitext|\.suffix|endswith|endsWith|allowed|ALLOWED|guess_type|Image\.open|originalname\.match|\.verify\(`)

// sizeCheckRE matches code that looks at how large a file is.
var sizeCheckRE = regexp.MustCompile(`(?i)\.size\b|max_?size|max_?bytes|max_?length|maxFileSize|fileSize|MAX_CONTENT_LENGTH|content-length|content_length|limit|len\(`)

// uploadJS finds multer instances and formidable parsers in a JavaScript
// file and reports the ones without limits or a file filter, at the route
// that uses them when there is one.
func (jf *jsFile) uploadJS(root *sitter.Node) {
	text := string(jf.src)
	if !strings.Contains(text, "multer") && !strings.Contains(text, "formidable") {
		return
	}
	fileChecked := typeCheckRE.MatchString(codeText(root, jf.src))
	walkTS(root, func(c *sitter.Node) bool {
		if c.Type() != "call_expression" && c.Type() != "new_expression" {
			return true
		}
		callee := c.ChildByFieldName("function")
		if c.Type() == "new_expression" {
			callee = c.ChildByFieldName("constructor")
		}
		if callee == nil {
			return true
		}
		name := jf.canonical(jf.text(callee))
		var opts *sitter.Node
		if args := c.ChildByFieldName("arguments"); args != nil && args.NamedChildCount() > 0 {
			opts = args.NamedChild(0)
		}
		g := &jsFunc{jf: jf, vars: map[string]binding{}}
		has := func(key string) bool { return opts != nil && g.objectKey(opts, key) != nil }
		switch {
		case name == "multer":
			at, fnRange, reg := jf.uploadUse(c)
			typeChecked := fileChecked
			if reg != nil {
				// The route that uses the parser: its handler may look at
				// req.file.mimetype.
				typeChecked = typeCheckRE.MatchString(codeText(reg, jf.src))
			}
			if !has("limits") {
				jf.hits = append(jf.hits, hit{rule: RuleUploadNoSizeLimit, file: jf.rel, line: nline(at), col: ncol(at), sink: clip(jf.text(at)),
					what: "a multer upload with no limits.fileSize, so any file size is written", severity: logicSeverity(RuleUploadNoSizeLimit, ""), fn: fnRange})
			}
			if !has("fileFilter") && !typeChecked {
				jf.hits = append(jf.hits, hit{rule: RuleUploadNoTypeCheck, file: jf.rel, line: nline(at), col: ncol(at), sink: clip(jf.text(at)),
					what: "a multer upload with no fileFilter and no look at the file's type", severity: logicSeverity(RuleUploadNoTypeCheck, ""), fn: fnRange})
			}
		case name == "formidable" || strings.HasSuffix(name, "IncomingForm") || name == "formidable.formidable":
			if !has("filter") && !fileChecked {
				at, fnRange, _ := jf.uploadUse(c)
				jf.hits = append(jf.hits, hit{rule: RuleUploadNoTypeCheck, file: jf.rel, line: nline(at), col: ncol(at), sink: clip(jf.text(at)),
					what: "a formidable parser with no filter and no look at the file's type", severity: logicSeverity(RuleUploadNoTypeCheck, ""), fn: fnRange})
			}
		}
		return true
	}, 0)
}

// uploadUse finds where the parser built by call is used in a route
// registration (router.post('/', upload.single('image'), ...)) and returns
// that use with the registration's range, so that the finding links to the
// route; otherwise the call itself, at module level.
func (jf *jsFile) uploadUse(call *sitter.Node) (*sitter.Node, fn, *sitter.Node) {
	name := ""
	if p := call.Parent(); p != nil && p.Type() == "variable_declarator" {
		name = jf.text(p.ChildByFieldName("name"))
	}
	if name != "" {
		var use *sitter.Node
		var reg *sitter.Node
		walkTS(rootOf(call), func(c *sitter.Node) bool {
			if use != nil {
				return false
			}
			if c.Type() == "call_expression" {
				fnText := jf.text(c.ChildByFieldName("function"))
				if strings.HasPrefix(fnText, name+".") && c.Parent() != nil && c.Parent().Type() == "arguments" {
					if r := c.Parent().Parent(); r != nil && jsRouteCall.MatchString(jf.text(r.ChildByFieldName("function"))) {
						use, reg = c, r
						return false
					}
				}
			}
			return true
		}, 0)
		if use != nil {
			return use, fn{Line: nline(reg), Head: nline(reg), End: nend(reg)}, reg
		}
	}
	return call, fn{Name: "<module>", Line: 1, Head: 1, End: nend(rootOf(call))}, nil
}

func rootOf(n *sitter.Node) *sitter.Node {
	for n.Parent() != nil {
		n = n.Parent()
	}
	return n
}
