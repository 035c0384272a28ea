// Command modelgen prints a synthetic threatmap.yaml for benchmarks:
//
//	go run ./cmd/modelgen -n 10000 > /tmp/dense/threatmap.yaml
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"

	"github.com/threatmap/threatmap/internal/modelgen"
)

func main() {
	n := flag.Int("n", 1000, "number of components")
	flag.Parse()
	w := bufio.NewWriter(os.Stdout)
	if err := modelgen.Dense(w, *n); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
