//go:build !linux

package secrets

import "os"

// fileReader reads a working-tree file.
type fileReader struct{ *os.File }

// openFile opens name for reading.
func openFile(name string) (fileReader, error) {
	f, err := os.Open(name)
	return fileReader{f}, err
}
