package e2e

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// TestScreenshotsShowTheConsole checks that the README's pictures
// (docs/img/*.svg, made by `make screenshots`) still show what the console
// shows: it takes the screens again with hack/screenshots.sh, from the still
// demo, and compares their text with the text in the pictures. When a change
// to these screens makes it fail, run make screenshots.
func TestScreenshotsShowTheConsole(t *testing.T) {
	bin := csrtuiBinary(t)
	dir := t.TempDir()
	cmd := exec.CommandContext(t.Context(), "bash", "../hack/screenshots.sh", dir)
	cmd.Env = append(os.Environ(), "CSRTUI_BIN="+bin)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("hack/screenshots.sh: %v\n%s", err, out)
	}

	scenes := names(t, filepath.Join(dir, "*.ansi"))
	pictures := names(t, "../docs/img/*.svg")
	if len(scenes) == 0 || !slices.Equal(scenes, pictures) {
		t.Fatalf("hack/screenshots.sh takes %v, docs/img holds %v: run make screenshots", scenes, pictures)
	}
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, scene := range scenes {
		if !strings.Contains(string(readme), "docs/img/"+scene+".svg") {
			t.Errorf("README.md doesn't show docs/img/%s.svg", scene)
		}
		capture, err := os.ReadFile(filepath.Join(dir, scene+".ansi"))
		if err != nil {
			t.Fatal(err)
		}
		want := screenLines(ansi.Strip(string(capture)))
		got := svgLines(t, filepath.Join("../docs/img", scene+".svg"))
		if !slices.Equal(got, want) {
			t.Errorf("docs/img/%s.svg is out of date: run make screenshots\n%s", scene, firstDifference(got, want))
		}
	}
}

// names are the base names, without extension, of the files matching pattern.
func names(t *testing.T, pattern string) []string {
	t.Helper()
	files, err := filepath.Glob(pattern)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range files {
		out = append(out, strings.TrimSuffix(filepath.Base(f), filepath.Ext(f)))
	}
	slices.Sort(out)
	return out
}

// screenLines are a screen's rows, without the blanks that end them and the
// empty rows at the bottom.
func screenLines(text string) []string {
	lines := strings.Split(text, "\n")
	for i := range lines {
		lines[i] = strings.TrimRight(lines[i], " ")
	}
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// svgLines reads the rows of a picture freeze drew: one <text> element per row.
func svgLines(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = false // freeze's SVG names an external DTD
	var (
		rows   []string
		row    strings.Builder
		inText bool
	)
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if tok.Name.Local == "text" {
				inText = true
				row.Reset()
			}
		case xml.CharData:
			if inText {
				row.Write(tok)
			}
		case xml.EndElement:
			if tok.Name.Local == "text" {
				inText = false
				rows = append(rows, row.String())
			}
		}
	}
	return screenLines(strings.Join(rows, "\n"))
}

func firstDifference(got, want []string) string {
	for i := range max(len(got), len(want)) {
		var g, w string
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			return fmt.Sprintf("row %d:\n  picture: %q\n  console: %q", i+1, g, w)
		}
	}
	return ""
}
