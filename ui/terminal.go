package ui

import (
	"io"
	"os"
)

// Terminal is where Run draws the console.
type Terminal struct {
	// Out is the terminal: stdout, or stderr when stdout is piped.
	Out *os.File
	// Frames, when set, wraps the writer the frames are written to (the
	// screen trace stamps them); queries and the sequences that give the
	// terminal back go to Out directly.
	Frames func(io.Writer) io.Writer
}
