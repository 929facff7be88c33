//go:build unix

package certs

import "syscall"

// Flags of the record's open: never through a symbolic link, never waiting
// on a pipe.
const (
	noFollow = syscall.O_NOFOLLOW
	nonBlock = syscall.O_NONBLOCK
)
