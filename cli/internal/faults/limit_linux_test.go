package faults

import (
	"syscall"
	"unsafe"
)

// limitFileSize sets the file size limit (RLIMIT_FSIZE) of a running process, as
// `prlimit --fsize` does: a write past it fails with EFBIG (Go ignores SIGXFSZ).
func limitFileSize(pid int, bytes uint64) error {
	lim := syscall.Rlimit{Cur: bytes, Max: bytes}
	_, _, errno := syscall.RawSyscall6(syscall.SYS_PRLIMIT64, uintptr(pid), syscall.RLIMIT_FSIZE,
		uintptr(unsafe.Pointer(&lim)), 0, 0, 0)
	if errno != 0 {
		return errno
	}
	return nil
}
