package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/csrtui/csrtui/certs"
	"github.com/csrtui/csrtui/cli"
	"github.com/csrtui/csrtui/ui"
)

// The config file: $XDG_CONFIG_HOME/csrtui/config.yaml (os.UserConfigDir's
// folder), or --config FILE. It sets what flags set, and what no flag does:
// keys, colours, the export folder, the mouse. docs/config.example.yaml lists
// every setting with its default. A flag the admin gives wins over the file,
// and the file over the defaults. Anything in it csrtui does not understand
// stops csrtui with the file, line and column, and what is allowed.

// maxConfigFile bounds what is read: a config file is a few KiB.
const maxConfigFile = 256 << 10

// config is what a config file sets; nil and empty fields were not set.
type config struct {
	path string
	// flags are values for the flags of the same names, as a command line
	// would give them: each command takes those it has.
	flags     map[string]string
	exportDir *string
	log       *string
	mouse     *bool
	keys      map[string][]string
	colors    map[string]ui.Color
}

// setting is one top-level key of the file.
type setting struct {
	name  string
	parse func(p *configParser, c *config, name string, v *yaml.Node) error
}

// settings are the file's top-level keys, in the order the example lists them.
var settings = []setting{
	{"max-client-duration", durationFlag},
	{"min-rsa-bits", func(p *configParser, c *config, name string, v *yaml.Node) error {
		const want = "a whole number of bits >= 0, such as 2048"
		s, err := p.scalar(v, name, want)
		if err != nil {
			return err
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return p.badValue(v, name, want)
		}
		c.flags[name] = strconv.Itoa(n)
		return nil
	}},
	{"cluster-signing-duration", durationFlag},
	{"issue-timeout", durationFlag},
	{"export-dir", func(p *configParser, c *config, name string, v *yaml.Node) error {
		dir, err := p.filePath(v, name, false)
		c.exportDir = &dir
		return err
	}},
	{"log", func(p *configParser, c *config, name string, v *yaml.Node) error {
		path, err := p.filePath(v, name, true)
		c.log = &path
		return err
	}},
	{"mouse", func(p *configParser, c *config, name string, v *yaml.Node) error {
		s, err := p.scalar(v, name, "true or false")
		if err != nil {
			return err
		}
		if s != "true" && s != "false" {
			return p.badValue(v, name, "true or false")
		}
		on := s == "true"
		c.mouse = &on
		return nil
	}},
	{"keys", parseKeys},
	{"theme", parseTheme},
}

func settingNames() []string {
	names := make([]string, len(settings))
	for i, s := range settings {
		names[i] = s.name
	}
	return names
}

// configError is a problem at a place in the file.
type configError struct {
	path         string
	line, column int // 0 when the YAML parser does not say
	msg          string
}

func (e *configError) Error() string {
	switch {
	case e.line == 0:
		return e.path + ": " + e.msg
	case e.column == 0:
		return fmt.Sprintf("%s:%d: %s", e.path, e.line, e.msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.path, e.line, e.column, e.msg)
}

// configParser reads one file's YAML.
type configParser struct{ path string }

func (p *configParser) errorf(n *yaml.Node, format string, args ...any) error {
	return &configError{path: p.path, line: n.Line, column: n.Column, msg: fmt.Sprintf(format, args...)}
}

// badValue says what a setting wants instead of the value at n.
func (p *configParser) badValue(n *yaml.Node, name, want string) error {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return p.errorf(n, "bad value (%s) for %s: want %s", kindName(n), name, want)
	}
	return p.errorf(n, "bad value %s for %s: want %s", quote(n.Value), name, want)
}

// scalar is the text of a single value.
func (p *configParser) scalar(n *yaml.Node, name, want string) (string, error) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return "", p.badValue(n, name, want)
	}
	return n.Value, nil
}

// filePath is a file or folder: a leading ~/ is the home folder; a relative
// path is relative to the working folder. "" is allowed only when
// emptyOK.
func (p *configParser) filePath(n *yaml.Node, name string, emptyOK bool) (string, error) {
	want, none := "a path", ""
	if emptyOK {
		none = `, or "" for none`
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" && n.Value == "~" && n.Style == 0 {
		return "", p.errorf(n, `bad value ~ for %s: YAML reads a bare ~ as nothing; write "~" for your home folder`, name)
	}
	s, err := p.scalar(n, name, want+none)
	if err != nil {
		return "", err
	}
	switch {
	case s == "" && !emptyOK:
		return "", p.badValue(n, name, want+none)
	case certs.Sanitize(s).String() != s:
		// The path is shown (the export dialog's input, the lines export
		// prints): it must not act on the terminal.
		return "", p.badValue(n, name, want+" without control or invisible characters"+none)
	}
	s, err = expandHome(s)
	if err != nil {
		return "", p.errorf(n, "%s: %v", name, err)
	}
	return s, nil
}

// expandHome reads a leading ~/ (or a ~ alone) as the home folder, as a
// shell does; csrtui does it for the paths the shell left alone: those of
// the config file, and of flags written --flag=~/path.
func expandHome(s string) (string, error) {
	if s != "~" && !strings.HasPrefix(s, "~/") {
		return s, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, strings.TrimPrefix(s, "~")), nil
}

// durationFlag reads a duration > 0 for the flag of the setting's name.
func durationFlag(p *configParser, c *config, name string, v *yaml.Node) error {
	const want = "a duration > 0 such as 24h, 90m or 30s"
	s, err := p.scalar(v, name, want)
	if err != nil {
		return err
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return p.badValue(v, name, want)
	}
	c.flags[name] = d.String()
	return nil
}

// parseConfig reads a config file's bytes. An empty file, or one of
// comments only, sets nothing.
func parseConfig(path string, data []byte) (*config, error) {
	p := &configParser{path: path}
	c := &config{path: path, flags: map[string]string{}}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	switch err := dec.Decode(&doc); {
	case errors.Is(err, io.EOF):
		return c, nil
	case err != nil:
		return nil, p.syntaxError(err)
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case errors.Is(err, io.EOF):
	case err != nil:
		return nil, p.syntaxError(err)
	default:
		return nil, p.errorf(&next, "a second YAML document: the file holds one")
	}
	if err := p.plain(&doc); err != nil {
		return nil, err
	}
	root := doc.Content[0]
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return c, nil // "~" or "null": nothing set
	}
	err := p.mapping(root, "settings as name: value lines", settingNames(), func(k, v *yaml.Node) error {
		i := slices.IndexFunc(settings, func(s setting) bool { return s.name == k.Value })
		return settings[i].parse(p, c, k.Value, v)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// syntaxError is the YAML parser's error as path:line: what.
func (p *configParser) syntaxError(err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	e := &configError{path: p.path, msg: msg}
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if n, what, ok := strings.Cut(rest, ": "); ok {
			if line, err := strconv.Atoi(n); err == nil {
				e.line, e.msg = line, what
			}
		}
	}
	return e
}

// plain refuses what a config file has no use for and a hostile one could
// abuse: anchors and aliases (a few lines that expand to gigabytes) and
// tags that are not YAML's own.
func (p *configParser) plain(n *yaml.Node) error {
	switch {
	case n.Kind == yaml.AliasNode || n.Anchor != "":
		return p.errorf(n, "anchors and aliases are not allowed: write each value out")
	case n.Tag != "" && !strings.HasPrefix(n.Tag, "!!"):
		return p.errorf(n, "tag %s is not allowed", quote(n.Tag))
	}
	for _, c := range n.Content {
		if err := p.plain(c); err != nil {
			return err
		}
	}
	return nil
}

// mapping calls each for the keys and values of n, which must be a mapping
// with keys from allowed, each once.
func (p *configParser) mapping(n *yaml.Node, want string, allowed []string, each func(k, v *yaml.Node) error) error {
	if n.Kind != yaml.MappingNode {
		return p.errorf(n, "want %s, found %s", want, kindName(n))
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch {
		case k.Kind != yaml.ScalarNode:
			return p.errorf(k, "a key must be a name, found %s", kindName(k))
		case seen[k.Value] != 0:
			return p.errorf(k, "key %s is set twice (first on line %d)", quote(k.Value), seen[k.Value])
		case allowed != nil && !slices.Contains(allowed, k.Value):
			return p.errorf(k, "unknown key %s (allowed: %s)", quote(k.Value), strings.Join(allowed, ", "))
		}
		seen[k.Value] = k.Line
		if err := each(k, v); err != nil {
			return err
		}
	}
	return nil
}

// parseKeys reads keys: binding name to a key or a list of keys, checked by
// the console's own rules.
func parseKeys(p *configParser, c *config, _ string, v *yaml.Node) error {
	c.keys = map[string][]string{}
	names, items := map[string]*yaml.Node{}, map[string][]*yaml.Node{}
	err := p.mapping(v, "key bindings as name: [keys]", nil, func(k, v *yaml.Node) error {
		names[k.Value] = k
		nodes := []*yaml.Node{v}
		if v.Kind == yaml.SequenceNode {
			nodes = v.Content
		}
		keys := []string{}
		for _, n := range nodes {
			s, err := p.scalar(n, "keys."+k.Value, `a key, or a list of keys such as [a, "?", ctrl+a, enter]`)
			if err != nil {
				return err
			}
			keys = append(keys, s)
		}
		c.keys[k.Value], items[k.Value] = keys, nodes
		return nil
	})
	if err != nil {
		return err
	}
	// The first problem in the file's order.
	var first error
	var at *yaml.Node
	for _, prob := range ui.CheckKeys(c.keys) {
		n := names[prob.Name]
		if prob.Index >= 0 {
			n = items[prob.Name][prob.Index]
		}
		if at == nil || n.Line < at.Line || n.Line == at.Line && n.Column < at.Column {
			at, first = n, p.errorf(n, "keys.%s: %s", prob.Name, prob.Msg)
		}
	}
	return first
}

var hexColor = regexp.MustCompile(`^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$`)

// parseTheme reads theme: colour name to "#RRGGBB" for both backgrounds, or
// to dark: and light: each.
func parseTheme(p *configParser, c *config, _ string, v *yaml.Node) error {
	c.colors = map[string]ui.Color{}
	return p.mapping(v, "colours as name: {dark: \"#RRGGBB\", light: \"#RRGGBB\"}", ui.ColorNames(), func(k, v *yaml.Node) error {
		name := "theme." + k.Value
		hex := func(n *yaml.Node, name string) (string, error) {
			const want = `a colour as "#RRGGBB" or "#RGB", quoted (an unquoted # starts a comment)`
			s, err := p.scalar(n, name, want)
			if err != nil || !hexColor.MatchString(s) {
				return "", p.badValue(n, name, want)
			}
			return s, nil
		}
		if v.Kind != yaml.MappingNode {
			s, err := hex(v, name)
			c.colors[k.Value] = ui.Color{Dark: s, Light: s}
			return err
		}
		var col ui.Color
		err := p.mapping(v, "dark: and light: colours", []string{"dark", "light"}, func(bk, bv *yaml.Node) error {
			s, err := hex(bv, name+"."+bk.Value)
			if bk.Value == "dark" {
				col.Dark = s
			} else {
				col.Light = s
			}
			return err
		})
		c.colors[k.Value] = col
		return err
	})
}

// kindName names what a node is, for errors.
func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "nothing"
		}
		return "a value"
	}
	return "an alias"
}

// quote writes a value from the file for an error line: quoted, escaped,
// and cut when long.
func quote(s string) string {
	if r := []rune(s); len(r) > 40 {
		s = string(r[:40]) + "…"
	}
	return strconv.Quote(s)
}

// readConfig reads the config file at path: a regular file, at most
// maxConfigFile bytes, never waiting on a pipe. A missing file is no config
// (nil) unless it was asked for (explicit); a symlink to nothing is an error.
func readConfig(path string, explicit bool) (*config, error) {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if li, lerr := os.Lstat(path); lerr == nil && li.Mode()&fs.ModeSymlink != 0 {
			return nil, fmt.Errorf("config file %s is a symlink to nothing", path)
		}
		if explicit {
			return nil, fmt.Errorf("config file %s does not exist", path)
		}
		return nil, nil
	case errors.Is(err, syscall.ELOOP):
		return nil, fmt.Errorf("config file %s is a loop of symlinks", path)
	case err != nil:
		return nil, fmt.Errorf("config file: %w", err)
	}
	if err := configFileMode(path, fi); err != nil {
		return nil, err
	}
	// O_NONBLOCK: should it have become a pipe since the Stat, the open
	// does not wait for a writer; the Stat of the open file says so.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("config file: %w", err)
	}
	defer func() { _ = f.Close() }()
	if fi, err = f.Stat(); err != nil {
		return nil, fmt.Errorf("config file: %w", err)
	}
	if err := configFileMode(path, fi); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(f, maxConfigFile+1))
	if err != nil {
		return nil, fmt.Errorf("config file %s: %w", path, err)
	}
	if len(data) > maxConfigFile {
		return nil, fmt.Errorf("config file %s is over %d KiB: not a csrtui config", path, maxConfigFile>>10)
	}
	return parseConfig(path, data)
}

// configFileMode says why fi, at path, is not a config file to read.
func configFileMode(path string, fi fs.FileInfo) error {
	switch m := fi.Mode(); {
	case m.IsDir():
		return fmt.Errorf("config file %s is a folder", path)
	case !m.IsRegular():
		return fmt.Errorf("config file %s is not a regular file (a pipe, a device or a socket)", path)
	case fi.Size() > maxConfigFile:
		return fmt.Errorf("config file %s is over %d KiB: not a csrtui config", path, maxConfigFile>>10)
	}
	return nil
}

// defaultConfigPath is where csrtui looks without --config; "" when the
// user has no config folder (neither $XDG_CONFIG_HOME nor $HOME).
func defaultConfigPath() string {
	dir, err := os.UserConfigDir()
	// A relative $XDG_CONFIG_HOME is to be ignored (the XDG Base Directory
	// Specification), as defaultRecordPath ignores a relative
	// $XDG_STATE_HOME; os.UserConfigDir refuses it instead, which would
	// read no file at all.
	if x := os.Getenv("XDG_CONFIG_HOME"); err != nil && x != "" && !filepath.IsAbs(x) {
		if home, herr := os.UserHomeDir(); herr == nil {
			dir, err = filepath.Join(home, ".config"), nil
		}
	}
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "csrtui", "config.yaml")
}

// loadConfig reads the config file, --config's or the default, and applies
// it under the flags cmd was given.
func (o *options) loadConfig(cmd *cobra.Command) error {
	path, explicit := o.configPath, cmd.Flags().Changed("config")
	if !explicit {
		path = defaultConfigPath()
	}
	if path == "" { // --config= reads none
		return nil
	}
	c, err := readConfig(path, explicit)
	if err != nil {
		return cli.UsageError(err)
	}
	if c == nil {
		return nil
	}
	return o.apply(cmd, c)
}

// apply takes what c sets, where cmd's flags do not say otherwise.
func (o *options) apply(cmd *cobra.Command, c *config) error {
	for name, v := range c.flags {
		// Value.Set, not Flags().Set: the flag stays unchanged, as given
		// by no one on the command line.
		if f := cmd.Flags().Lookup(name); f != nil && !f.Changed {
			if err := f.Value.Set(v); err != nil {
				return cli.UsageError(fmt.Errorf("%s: %s: %w", c.path, name, err))
			}
		}
	}
	if c.exportDir != nil {
		o.exportDir = *c.exportDir
	}
	if f := cmd.Flags().Lookup("log"); c.log != nil && (f == nil || !f.Changed) {
		o.log, o.logSet = *c.log, true
	}
	if c.mouse != nil {
		o.mouse = *c.mouse
	}
	if c.keys != nil {
		o.keys = c.keys
	}
	if c.colors != nil {
		o.colors = c.colors
	}
	return nil
}
