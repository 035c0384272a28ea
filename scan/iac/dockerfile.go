package iac

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/parser"

	"github.com/threatmap/threatmap/evidence"
)

var dockerLineRE = regexp.MustCompile(`line (\d+)`)

// checkDockerfile parses a Dockerfile with BuildKit's parser (the one
// docker build uses) and checks its base images, its final user and the
// secrets it bakes into layers.
func checkDockerfile(r *results, rel string, src []byte) (serr *SyntaxError) {
	defer func() {
		if rec := recover(); rec != nil {
			serr = &SyntaxError{File: rel, Line: 1, Column: 1, Msg: fmt.Sprintf("Dockerfile parser failed: %v", rec)}
		}
	}()
	res, err := parser.Parse(bytes.NewReader(src))
	if err != nil {
		line := 1
		var le *parser.LocationError
		if errors.As(err, &le) && len(le.Locations) > 0 && len(le.Locations[0]) > 0 {
			line = le.Locations[0][0].Start.Line
		} else if m := dockerLineRE.FindStringSubmatch(err.Error()); m != nil {
			line, _ = strconv.Atoi(m[1])
		}
		return &SyntaxError{File: rel, Line: max(line, 1), Column: 1, Msg: err.Error()}
	}
	var stages []*stage
	stageNames := map[string]bool{}
	for _, n := range res.AST.Children {
		switch strings.ToLower(n.Value) {
		case "from":
			args := nodeArgs(n)
			if len(args) == 0 {
				continue
			}
			st := &stage{fromLine: n.StartLine, image: strings.ToLower(args[0])}
			if len(args) >= 3 && strings.EqualFold(args[1], "as") {
				st.name = strings.ToLower(args[2])
			}
			image := args[0]
			if !stageNames[strings.ToLower(image)] {
				checkImage(r, rel, rel, n.StartLine, image)
			}
			if st.name != "" {
				stageNames[st.name] = true
			}
			stages = append(stages, st)
		case "user":
			if len(stages) > 0 {
				if args := nodeArgs(n); len(args) > 0 {
					stages[len(stages)-1].user = args[0]
					stages[len(stages)-1].userLine = n.StartLine
				}
			}
		case "env":
			args := nodeArgs(n)
			for i := 0; i+1 < len(args); i += 2 {
				checkBakedSecret(r, rel, n.StartLine, "ENV", args[i], args[i+1])
			}
		case "arg":
			for _, a := range nodeArgs(n) {
				if k, v, ok := strings.Cut(a, "="); ok {
					checkBakedSecret(r, rel, n.StartLine, "ARG", k, v)
				}
			}
		}
	}
	if len(stages) == 0 {
		return nil
	}
	last := stages[len(stages)-1]
	if base := lambdaBase(last.image, stages); base != "" {
		// Lambda starts the function as its own unprivileged user whatever
		// the image's USER says, with a read-only file system but /tmp.
		r.observe(evidence.NonRootContainer, rel, true, rel, last.fromLine, "AWS Lambda base image "+base+": Lambda runs the function as an unprivileged user")
		return nil
	}
	switch {
	case last.user == "":
		r.finding(ruleContainerRoot, 0, rel, last.fromLine, rel, "user",
			fmt.Sprintf("%s: the final stage sets no USER, so the container runs as root", rel))
		r.observe(evidence.NonRootContainer, rel, false, rel, last.fromLine, "no USER in the final stage")
	case isRootUser(last.user):
		r.finding(ruleContainerRoot, 0, rel, last.userLine, rel, "user",
			fmt.Sprintf("%s: the final stage runs as USER %s", rel, last.user))
		r.observe(evidence.NonRootContainer, rel, false, rel, last.userLine, "USER "+last.user)
	default:
		r.observe(evidence.NonRootContainer, rel, true, rel, last.userLine, "USER "+last.user)
	}
	return nil
}

func nodeArgs(n *parser.Node) []string {
	var out []string
	for a := n.Next; a != nil && len(out) < 256; a = a.Next {
		out = append(out, a.Value)
	}
	return out
}

func checkBakedSecret(r *results, rel string, line int, instr, name, value string) {
	value = strings.Trim(value, `"'`)
	if !isSecretName(name) || looksLikePlaceholder(value) {
		return
	}
	f := r.finding(ruleSecretLiteral, 0, rel, line, rel, name,
		fmt.Sprintf("%s: %s %s bakes a literal secret into the image's layers", rel, instr, name))
	f.Secret = r.mask(value)
}

// stage is one FROM of a Dockerfile.
type stage struct {
	name     string
	fromLine int
	user     string
	userLine int
	image    string
}

// lambdaImages are the AWS Lambda base images: the public ECR gallery and
// the Docker Hub mirror.
var lambdaImages = []string{"public.ecr.aws/lambda/", "amazon/aws-lambda-"}

// lambdaBase returns the AWS Lambda base image a final stage is built on,
// directly or through earlier named stages, or "".
func lambdaBase(image string, stages []*stage) string {
	for range len(stages) {
		for _, p := range lambdaImages {
			if strings.HasPrefix(image, p) {
				return image
			}
		}
		next := ""
		for _, st := range stages {
			if st.name != "" && st.name == image {
				next = st.image
			}
		}
		if next == "" {
			return ""
		}
		image = next
	}
	return ""
}
