package secrets

import (
	"io"
	"syscall"
)

// fSetPipeSz is F_SETPIPE_SZ from linux/fcntl.h.
const fSetPipeSz = 1031

// widenPipe asks for a 1 MiB pipe between git and the scanner, so that a
// file version arrives in a few reads rather than one per 64 KiB. It is
// an optimisation only: failure changes nothing.
func widenPipe(r io.Reader) {
	sc, ok := r.(syscall.Conn)
	if !ok {
		return
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return
	}
	_ = raw.Control(func(fd uintptr) {
		_, _, _ = syscall.Syscall(syscall.SYS_FCNTL, fd, fSetPipeSz, 1<<20)
	})
}
