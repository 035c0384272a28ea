package workflows

import (
	"fmt"
	"strings"

	"github.com/rhysd/actionlint"

	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/evidence"
)

// imageVerdict is why an image reference is mutable, and how bad that is.
type imageVerdict struct {
	sev threatmap.Severity
	why string
}

// imageFinding judges a container image reference. References built from
// expressions are unknown until the run and are not judged; nor is an
// empty image (a service switched off).
func imageFinding(image string) (imageVerdict, bool) {
	image = strings.TrimSpace(strings.TrimPrefix(image, "docker://"))
	if image == "" || strings.Contains(image, "${{") || strings.Contains(image, "@sha256:") {
		return imageVerdict{}, false
	}
	// The tag is after the last colon that follows the last slash (a
	// registry host may carry a port).
	name, tag := image, ""
	if i := strings.LastIndex(image, ":"); i > strings.LastIndex(image, "/") {
		name, tag = image[:i], image[i+1:]
	}
	switch tag {
	case "", "latest":
		return imageVerdict{threatmap.Medium, fmt.Sprintf("which follows %s:latest; pin it by digest (@sha256:...)", name)}, true
	}
	return imageVerdict{threatmap.Low, fmt.Sprintf("tagged %q, which can be repointed at another image; pin it by digest (@sha256:...)", tag)}, true
}

// checkUnpinnedImages flags job containers and service containers whose
// image is not pinned by digest. They run with the job's secrets and token
// like any action does.
func checkUnpinnedImages(w *Workflow) []evidence.Finding {
	var out []evidence.Finding
	for _, j := range w.Jobs {
		type img struct {
			what string
			s    *actionlint.String
		}
		var imgs []img
		for _, jc := range containers(j) {
			if jc.c.Image != nil {
				imgs = append(imgs, img{jc.what, jc.c.Image})
			}
		}
		for _, i := range imgs {
			v, ok := imageFinding(i.s.Value)
			image := i.s.Value
			if !ok && strings.Contains(i.s.Value, "${{") {
				// An image chosen by the matrix is judged by each value the
				// static matrix gives it; the worst one is reported.
				for _, m := range matrixValuesOf(j, i.s.Value) {
					if mv, mok := imageFinding(m); mok && (!ok || mv.sev > v.sev) {
						v, ok, image = mv, true, m
					}
				}
			}
			if !ok {
				continue
			}
			out = append(out, w.finding(RuleUnpinnedImage, v.sev, i.s.Pos, j, evidence.ActionsPinned,
				fmt.Sprintf("%s of job %s runs the image %s, %s", i.what, jobID(j), image, v.why)))
		}
	}
	return out
}
