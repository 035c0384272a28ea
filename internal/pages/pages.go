// Package pages writes through memory just allocated, one byte per page,
// before it is filled.
//
// On Linux a page of fresh memory that is read before it is written is
// mapped to the shared zero page, and the write that follows costs a
// second fault and a TLB flush on every core running the process. Go's
// write barrier reads each pointer slot before it stores into it while
// the collector is marking, so filling fresh memory with values that hold
// pointers (model nodes, decoded elements, threats) takes that double
// fault page by page; on a virtual machine the flush is an interrupt to
// the other cores. A byte written first makes the page the process's own
// at once.
package pages

import "unsafe"

// size is the smallest page size of the platforms Go runs on; writing
// more often than pages are is harmless.
const size = 4096

// Touch writes a zero byte into every page of s's backing array. s must
// be memory just allocated (zeroed, not yet shared): the bytes written
// are zero already, so no value changes and no pointer is stored.
func Touch[E any](s []E) {
	s = s[:cap(s)]
	if len(s) == 0 {
		return
	}
	TouchRange(unsafe.Pointer(unsafe.SliceData(s)), uintptr(len(s))*unsafe.Sizeof(s[0]))
}

// TouchRange is Touch for the n bytes at p (a slice's backing array, as
// reflect.Value.UnsafePointer gives it).
func TouchRange(p unsafe.Pointer, n uintptr) {
	if p == nil || n < 2*size {
		return
	}
	b := unsafe.Slice((*byte)(p), n)
	for i := 0; i < len(b); i += size {
		b[i] = 0
	}
	b[len(b)-1] = 0
}
