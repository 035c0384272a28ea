package cli

import (
	"context"
	"fmt"
	"net/url"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/threatmap/threatmap"
)

// sourceLinks returns the function the HTML page links locations with. A
// location is a path relative to the model's folder. When the model sits in
// a git checkout whose origin is a known forge (GitHub, GitLab, Bitbucket,
// Codeberg), links go to the file at the checked-out commit on the forge's
// web site; otherwise they are paths relative to where the page is written
// (outDir), so the page opened beside the checkout still leads to the files.
func sourceLinks(ctx context.Context, modelDir, outDir string) func(threatmap.Position) string {
	if web := forgeBlobURL(ctx, modelDir); web != nil {
		return web
	}
	base, err := filepath.Rel(outDir, modelDir)
	if err != nil {
		base = modelDir
	}
	return func(p threatmap.Position) string {
		if p.File == "" {
			return ""
		}
		href := (&url.URL{Path: path.Join(filepath.ToSlash(base), p.File)}).String()
		if p.Line > 0 {
			href += fmt.Sprintf("#L%d", p.Line)
		}
		return href
	}
}

var remotePattern = regexp.MustCompile(`^(?:https?://|ssh://)?(?:[^@/]+@)?(github\.com|gitlab\.com|bitbucket\.org|codeberg\.org)[:/]([^/]+/[^/]+?)(?:\.git)?/?$`)

// forgeBlobURL returns a link function to the forge's file view, or nil
// when the folder is not in a git checkout with a recognised origin.
func forgeBlobURL(ctx context.Context, dir string) func(threatmap.Position) string {
	git := func(args ...string) string {
		out, err := exec.CommandContext(ctx, "git", append([]string{"-C", dir}, args...)...).Output()
		if err != nil {
			return ""
		}
		return strings.TrimSpace(string(out))
	}
	remote := git("remote", "get-url", "origin")
	m := remotePattern.FindStringSubmatch(remote)
	if m == nil {
		return nil
	}
	commit := git("rev-parse", "HEAD")
	prefix := git("rev-parse", "--show-prefix")
	if commit == "" {
		return nil
	}
	host, repo := m[1], m[2]
	view := "/blob/"
	switch host {
	case "gitlab.com":
		view = "/-/blob/"
	case "bitbucket.org":
		view = "/src/"
	case "codeberg.org":
		view = "/src/commit/"
	}
	return func(p threatmap.Position) string {
		if p.File == "" {
			return ""
		}
		u := "https://" + host + "/" + repo + view + commit + "/" + path.Join(prefix, p.File)
		if p.Line > 0 {
			anchor := "#L%d"
			if host == "bitbucket.org" {
				anchor = "#lines-%d"
			}
			u += fmt.Sprintf(anchor, p.Line)
		}
		return u
	}
}
