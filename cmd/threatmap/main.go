// Command threatmap is the threat model that lives in the repository.
package main

import (
	"os"

	"github.com/threatmap/threatmap/internal/cli"
)

func main() {
	tuneGC(os.Getenv)
	cmd := &cli.Command{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Streaming: streamingGC(os.Getenv)}
	os.Exit(cmd.Main(os.Args[1:]))
}
