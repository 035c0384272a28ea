package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// browser finds a Chromium the tests can drive (.ci/run installs Debian's).
func browser(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no Chromium on this machine (.ci/run installs Debian's chromium)")
	return ""
}

// TestHTMLPageInABrowser opens docqa's HTML threat map in headless Chromium
// from a file, offline, and checks what a reader relies on: no network
// request and no console error, every threat id and component on the page,
// filters that change the visible rows, and a page that is not blank.
func TestHTMLPageInABrowser(t *testing.T) {
	exe := browser(t)
	dir := t.TempDir()
	page := filepath.Join(dir, "docqa.html")
	if _, errOut, code := run(t, "report", "examples/docqa", "-f", "html", "-o", page); code != ExitOK {
		t.Fatalf("report -f html: exit %d: %s", code, errOut)
	}
	out, _, _ := run(t, "report", "examples/docqa", "-f", "json")
	var doc struct {
		Threats []struct {
			ID string `json:"id"`
		} `json:"threats"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || len(doc.Threats) == 0 {
		t.Fatalf("report -f json: %v", err)
	}

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.Headless, chromedp.DisableGPU,
		chromedp.WindowSize(1200, 1600), chromedp.Flag("no-proxy-server", true))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	defer cancelTimeout()

	var mu sync.Mutex
	var requests, problems []string
	chromedp.ListenTarget(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			if u := e.Request.URL; !strings.HasPrefix(u, "file://") && !strings.HasPrefix(u, "data:") {
				requests = append(requests, u)
			}
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.APITypeError || e.Type == runtime.APITypeWarning {
				problems = append(problems, string(e.Type))
			}
		case *runtime.EventExceptionThrown:
			problems = append(problems, e.ExceptionDetails.Text)
		}
	})

	var shownAll, shownNoP1, pageText string
	var ids, components []string
	var rowsNoP1, p1Rows int
	var shot []byte
	err := chromedp.Run(ctx,
		network.Enable(),
		chromedp.Navigate("file://"+page),
		chromedp.WaitVisible("#threatmap", chromedp.ByQuery),
		chromedp.Text("#shown-count", &shownAll, chromedp.ByQuery),
		chromedp.Evaluate(`[...document.querySelectorAll('#threatmap code')].map(e => e.textContent)`, &ids),
		chromedp.Evaluate(`[...document.querySelectorAll('#diagram g.node')].map(e => e.id)`, &components),
		chromedp.Evaluate(`document.querySelectorAll('#threatmap tr.threat[data-priority="1"]:not(.hidden)').length`, &p1Rows),
		chromedp.Click(`input[name="priority"][value="1"]`, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelectorAll('#threatmap tr.threat:not(.hidden)').length`, &rowsNoP1),
		chromedp.Text("#shown-count", &shownNoP1, chromedp.ByQuery),
		chromedp.Text("body", &pageText, chromedp.ByQuery),
		chromedp.FullScreenshot(&shot, 100), // quality 100 is PNG
	)
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(requests) > 0 {
		t.Errorf("the page made network requests: %v", requests)
	}
	if len(problems) > 0 {
		t.Errorf("console errors or exceptions: %v", problems)
	}
	have := map[string]bool{}
	for _, id := range ids {
		have[id] = true
	}
	for _, th := range doc.Threats {
		if !have[th.ID] {
			t.Errorf("threat %s is not on the page", th.ID)
		}
	}
	drawn := map[string]bool{}
	for _, id := range components {
		drawn[id] = true
	}
	for _, c := range []string{"web", "api", "db", "uploads", "openai", "stripe", "admin"} {
		if !drawn["c:"+c] {
			t.Errorf("component %s is not drawn (nodes: %v)", c, components)
		}
	}
	if p1Rows == 0 {
		t.Fatalf("no P1 row visible before filtering")
	}
	if shownAll == shownNoP1 || !strings.Contains(shownNoP1, " of ") {
		t.Errorf("the priority filter did not change the rows shown: %q then %q", shownAll, shownNoP1)
	}
	var before int
	if _, err := fmtSscan(shownAll, &before); err != nil || rowsNoP1 != before-p1Rows {
		t.Errorf("unchecking P1 left %d rows, want %d - %d", rowsNoP1, before, p1Rows)
	}
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	b := img.Bounds()
	if b.Dx() < 800 || b.Dy() < 1000 {
		t.Errorf("screenshot is %dx%d, too small for the page", b.Dx(), b.Dy())
	}
	colours := map[uint32]bool{}
	for y := b.Min.Y; y < b.Max.Y; y += 7 {
		for x := b.Min.X; x < b.Max.X; x += 7 {
			r, g, bl, _ := img.At(x, y).RGBA()
			colours[(r>>12)<<8|(g>>12)<<4|bl>>12] = true
		}
	}
	if len(colours) < 8 {
		t.Errorf("screenshot looks blank (%d colours)", len(colours))
	}
	if os.Getenv("THREATMAP_KEEP_SCREENSHOT") != "" {
		_ = os.WriteFile(os.Getenv("THREATMAP_KEEP_SCREENSHOT"), shot, 0o644)
	}
	if strings.Contains(pageText, "sk_live_") {
		t.Errorf("a secret is shown on the page")
	}
}

// fmtSscan reads the first number of "N of M rows shown".
func fmtSscan(s string, n *int) (int, error) {
	f := strings.Fields(s)
	if len(f) == 0 {
		return 0, os.ErrInvalid
	}
	v := 0
	for _, r := range f[0] {
		if r < '0' || r > '9' {
			return 0, os.ErrInvalid
		}
		v = v*10 + int(r-'0')
	}
	*n = v
	return 1, nil
}
