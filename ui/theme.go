package ui

import (
	"image/color"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/textinput"
	"charm.land/lipgloss/v2"

	"github.com/csrtui/csrtui/certs"
)

// theme holds the semantic colours; styles are built from it once.
type theme struct {
	accent   color.Color // titles, the selected row
	muted    color.Color // labels, secondary text
	selectFg color.Color // selected row text
	ok       color.Color // success
	warn     color.Color // medium findings, timeouts
	high     color.Color // high findings
	danger   color.Color // critical and block findings, errors
	info     color.Color // low and info findings
	badgeFg  color.Color
	badgeBg  color.Color
	selectBg color.Color
}

// Color is one colour of the theme on dark and on light backgrounds, each
// "#RRGGBB" or "#RGB"; "" keeps the default.
type Color struct {
	Dark, Light string
}

// colorTable names the theme's colours as a config file sets them, with
// their defaults on dark and light backgrounds.
var colorTable = []struct {
	name        string
	color       func(*theme) *color.Color
	dark, light string
}{
	{"accent", func(t *theme) *color.Color { return &t.accent }, "#8E8BFF", "#5A56E0"},
	{"muted", func(t *theme) *color.Color { return &t.muted }, "#8A8A8A", "#6C6C6C"},
	{"ok", func(t *theme) *color.Color { return &t.ok }, "#5FD787", "#1E7F3C"},
	{"info", func(t *theme) *color.Color { return &t.info }, "#7FB8E6", "#2F6FA8"},
	{"warn", func(t *theme) *color.Color { return &t.warn }, "#E5C07B", "#8A6D00"},
	{"high", func(t *theme) *color.Color { return &t.high }, "#FF9F43", "#B35900"},
	{"danger", func(t *theme) *color.Color { return &t.danger }, "#FF5F6D", "#C0162E"},
	{"selected-fg", func(t *theme) *color.Color { return &t.selectFg }, "#F2F2F2", "#1A1A1A"},
	{"selected-bg", func(t *theme) *color.Color { return &t.selectBg }, "#3A3870", "#D9D7FF"},
	{"badge-fg", func(t *theme) *color.Color { return &t.badgeFg }, "#1A1A1A", "#1A1A1A"},
	{"badge-bg", func(t *theme) *color.Color { return &t.badgeBg }, "#E5C07B", "#E5C07B"},
}

// ColorNames are the names of the theme's colours, as a config file sets them.
func ColorNames() []string {
	names := make([]string, len(colorTable))
	for i, c := range colorTable {
		names[i] = c.name
	}
	return names
}

// DefaultColors are the theme's colours by name.
func DefaultColors() map[string]Color {
	out := make(map[string]Color, len(colorTable))
	for _, c := range colorTable {
		out[c.name] = Color{Dark: c.dark, Light: c.light}
	}
	return out
}

// newTheme is the theme for a dark or a light background, with the colours
// set in colors (by name) in place of the defaults.
func newTheme(isDark bool, colors map[string]Color) theme {
	var t theme
	for _, c := range colorTable {
		v, set := c.light, colors[c.name].Light
		if isDark {
			v, set = c.dark, colors[c.name].Dark
		}
		if set != "" {
			v = set
		}
		*c.color(&t) = lipgloss.Color(v)
	}
	return t
}

// styles are built once per theme, never inside View.
type styles struct {
	title     lipgloss.Style
	header    lipgloss.Style
	muted     lipgloss.Style
	badge     lipgloss.Style
	colHeader lipgloss.Style
	selected  lipgloss.Style
	section   lipgloss.Style
	label     lipgloss.Style
	box       lipgloss.Style
	boxTitle  lipgloss.Style
	good      lipgloss.Style
	bad       lipgloss.Style
	alarm     lipgloss.Style // a badge for what went wrong: the record failing

	statusInfo lipgloss.Style
	statusOK   lipgloss.Style
	statusErr  lipgloss.Style

	severity [certs.SeverityBlock + 1]lipgloss.Style
	// marker holds the list's severity marker, rendered once per theme.
	marker [certs.SeverityBlock + 1]string

	help help.Styles
	// input is every text input's: a steady cursor, so nothing blinks, and
	// nothing runs while the admin reads.
	input textinput.Styles

	// drawn holds the detail's labels and section titles in their styles: a
	// few dozen texts, drawn again on every rebuild of the detail (each move
	// of the selection, each key typed in the filter), where lipgloss's
	// Render took a fifth of a keystroke's time.
	drawn map[drawnKey]string
	// shortHelp is the help bar's line as last drawn (Model.shortHelp).
	shortHelp drawnLine
}

// drawnLine is a line drawn for key, a text that says what it shows; the
// zero drawnLine, with no key, holds none.
type drawnLine struct{ key, view string }

// drawnKey is a text in one of the styles styles.drawn holds.
type drawnKey struct {
	section bool // the section style; else the label style
	text    string
}

// maxDrawn bounds styles.drawn: labels can hold what a request names (an
// extension's OID), so a request with thousands of them starts it over
// rather than growing it.
const maxDrawn = 256

// drawnAs is text in the label style, or the section style, rendered once.
func (s *styles) drawnAs(section bool, text string) string {
	k := drawnKey{section, text}
	if d, ok := s.drawn[k]; ok {
		return d
	}
	st := s.label
	if section {
		st = s.section
	}
	d := st.Render(text)
	if s.drawn == nil || len(s.drawn) >= maxDrawn {
		s.drawn = make(map[drawnKey]string)
	}
	s.drawn[k] = d
	return d
}

// newStyles builds the styles of theme t. On a terminal without colours
// (colorless) the selected row and the badges are in reverse video, which
// such terminals still show, where a background colour marked them.
func newStyles(t theme, isDark, colorless bool) styles {
	s := styles{
		title:      lipgloss.NewStyle().Bold(true).Foreground(t.accent),
		header:     lipgloss.NewStyle(),
		muted:      lipgloss.NewStyle().Foreground(t.muted),
		badge:      lipgloss.NewStyle().Bold(true).Foreground(t.badgeFg).Background(t.badgeBg),
		colHeader:  lipgloss.NewStyle().Bold(true).Foreground(t.muted),
		selected:   lipgloss.NewStyle().Bold(true).Foreground(t.selectFg).Background(t.selectBg),
		section:    lipgloss.NewStyle().Bold(true).Foreground(t.accent),
		label:      lipgloss.NewStyle().Foreground(t.muted),
		box:        lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(t.accent).Padding(0, 1),
		boxTitle:   lipgloss.NewStyle().Bold(true).Foreground(t.accent),
		good:       lipgloss.NewStyle().Foreground(t.ok),
		bad:        lipgloss.NewStyle().Bold(true).Foreground(t.danger),
		alarm:      lipgloss.NewStyle().Bold(true).Foreground(t.badgeFg).Background(t.danger),
		statusInfo: lipgloss.NewStyle().Foreground(t.info),
		statusOK:   lipgloss.NewStyle().Foreground(t.ok),
		statusErr:  lipgloss.NewStyle().Bold(true).Foreground(t.danger),
		help:       help.DefaultStyles(isDark),
		input:      textinput.DefaultStyles(isDark),
	}
	s.input.Cursor.Blink = false
	if colorless {
		s.selected = lipgloss.NewStyle().Bold(true).Reverse(true)
		s.badge = lipgloss.NewStyle().Bold(true).Reverse(true)
		s.alarm = s.badge
	}
	sev := func(c color.Color, bold bool) lipgloss.Style { return lipgloss.NewStyle().Foreground(c).Bold(bold) }
	s.severity[certs.SeverityNone] = lipgloss.NewStyle()
	s.severity[certs.SeverityInfo] = sev(t.info, false)
	s.severity[certs.SeverityLow] = sev(t.info, false)
	s.severity[certs.SeverityMedium] = sev(t.warn, false)
	s.severity[certs.SeverityHigh] = sev(t.high, true)
	s.severity[certs.SeverityCritical] = sev(t.danger, true)
	s.severity[certs.SeverityBlock] = sev(t.danger, true)
	for i := range s.marker {
		s.marker[i] = paint(s.severity[i], lit(markerText(certs.Severity(i))))
	}
	return s
}

// markerText is the two-cell list marker of a CSR's worst finding.
func markerText(sev certs.Severity) string {
	switch sev {
	case certs.SeverityBlock:
		return "XX"
	case certs.SeverityCritical:
		return "!!"
	case certs.SeverityHigh:
		return "! "
	case certs.SeverityMedium:
		return "~ "
	case certs.SeverityLow, certs.SeverityInfo:
		return ". "
	default:
		return "  "
	}
}

// severityLabel names a severity for the detail and the confirmation.
func severityLabel(sev certs.Severity) certs.Text {
	switch sev {
	case certs.SeverityBlock:
		return lit("BLOCK")
	case certs.SeverityCritical:
		return lit("CRITICAL")
	case certs.SeverityHigh:
		return lit("HIGH")
	case certs.SeverityMedium:
		return lit("MEDIUM")
	case certs.SeverityLow:
		return lit("LOW")
	case certs.SeverityInfo:
		return lit("INFO")
	default:
		return certs.Text{}
	}
}
