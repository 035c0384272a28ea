package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/threatmap/threatmap"
)

func TestHTMLGolden(t *testing.T) {
	a, _ := goldenAssessment(t)
	var buf bytes.Buffer
	err := WriteHTML(&buf, a, HTMLOptions{
		Diagram: []byte(`<svg id="test-diagram"></svg>`), MaxRows: 1, Version: "test",
		Link: func(p threatmap.Position) string { return "src/" + p.File },
	})
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "page.html", buf.Bytes())
}

func TestHTMLIsSelfContainedAndEscaped(t *testing.T) {
	a, _ := goldenAssessment(t)
	a.Model.System.Name = `<script>alert("x")</script>`
	var buf bytes.Buffer
	if err := WriteHTML(&buf, a, HTMLOptions{MaxRows: 1}); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	if strings.Contains(page, `<script>alert("x")</script>`) {
		t.Errorf("a model name was written as markup")
	}
	for _, bad := range []string{"http://", "https://", "<link", "src=\"", "@import", "url("} {
		if strings.Contains(page, bad) {
			t.Errorf("the page refers to something outside itself: %q", bad)
		}
	}
	if n := strings.Count(page, `class="threat folded"`); n == 0 {
		t.Errorf("rows past MaxRows are not folded")
	}
}
