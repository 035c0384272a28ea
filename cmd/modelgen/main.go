// Command modelgen writes synthetic models for benchmarks.
//
//	go run ./cmd/modelgen -n 10000 > /tmp/dense/threatmap.yaml
//
// With -threagile, it replicates a Threagile model (such as Threagile's
// demo/example/threagile.yaml) to at least -n technical assets and writes
// the replicated model and its threatmap.yaml translation into -out:
//
//	go run ./cmd/modelgen -threagile threagile.yaml -n 1000 -out /tmp/tg1000
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/threatmap/threatmap/internal/modelgen"
)

func main() {
	n := flag.Int("n", 1000, "number of components (technical assets)")
	tg := flag.String("threagile", "", "Threagile model to replicate and translate")
	out := flag.String("out", ".", "with -threagile: directory for threagile.yaml and threatmap.yaml")
	flag.Parse()
	if err := run(*n, *tg, *out); err != nil {
		fmt.Fprintln(os.Stderr, "modelgen:", err)
		os.Exit(1)
	}
}

func run(n int, tg, out string) error {
	if tg == "" {
		w := bufio.NewWriter(os.Stdout)
		if err := modelgen.Dense(w, n); err != nil {
			return err
		}
		return w.Flush()
	}
	src, err := os.ReadFile(tg)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	tgf, err := os.Create(filepath.Join(out, "threagile.yaml"))
	if err != nil {
		return err
	}
	defer tgf.Close()
	tmf, err := os.Create(filepath.Join(out, "threatmap.yaml"))
	if err != nil {
		return err
	}
	defer tmf.Close()
	tgw, tmw := bufio.NewWriter(tgf), bufio.NewWriter(tmf)
	if err := modelgen.Threagile(src, n, tgw, tmw); err != nil {
		return err
	}
	if err := tgw.Flush(); err != nil {
		return err
	}
	return tmw.Flush()
}
