//go:build !unix

package certs

// Elsewhere the Lstat before the open is the only check for a link.
const (
	noFollow = 0
	nonBlock = 0
)
