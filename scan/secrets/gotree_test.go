package secrets

import (
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// goTree returns the Go distribution's source tree, which every machine
// that runs these benchmarks has, and its size in bytes.
func goTree(b *testing.B) (string, int64) {
	goroot := runtime.GOROOT() // empty in a -trimpath build
	if goroot == "" {
		out, err := exec.Command("go", "env", "GOROOT").Output()
		if err != nil {
			b.Skipf("no Go source tree: go env GOROOT: %v", err)
		}
		goroot = strings.TrimSpace(string(out))
	}
	root := filepath.Join(goroot, "src")
	var size int64
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			info, err := d.Info()
			if err != nil {
				return err
			}
			size += info.Size()
		}
		return nil
	})
	if err != nil {
		b.Skipf("no Go source tree: %v", err)
	}
	return root, size
}

// BenchmarkGoTree compares the worktree scan of the Go source tree with a
// plain parallel read of the same tree (a directory walk feeding one reader
// per CPU, each file read whole), in the same run: the ratio of the two
// ns/op is the scan's cost over the floor that any scanner pays.
func BenchmarkGoTree(b *testing.B) {
	root, size := goTree(b)
	b.Run("read", func(b *testing.B) {
		b.SetBytes(size)
		for b.Loop() {
			next := make(chan string, 256)
			var wg sync.WaitGroup
			for range runtime.GOMAXPROCS(0) {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for p := range next {
						if _, err := os.ReadFile(p); err != nil {
							b.Error(err)
						}
					}
				}()
			}
			err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
				if err == nil && d.Type().IsRegular() {
					next <- p
				}
				return err
			})
			close(next)
			if err != nil {
				b.Fatal(err)
			}
			wg.Wait()
		}
	})
	b.Run("scan", func(b *testing.B) {
		s := New(Options{})
		b.SetBytes(size)
		for b.Loop() {
			if _, err := s.Scan(context.Background(), root); err != nil {
				b.Fatal(err)
			}
		}
	})
}
