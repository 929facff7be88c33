package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/csrtui/csrtui/certs"
)

// Output formats, as kubectl names them.
const (
	outTable = "table"
	outWide  = "wide"
	outJSON  = "json"
	outYAML  = "yaml"
	outName  = "name"
)

// columnGap is the space between table columns, as kubectl's printer leaves.
const columnGap = 3

// printTable writes a header and rows of raw cells as aligned columns, every
// cell through safe and measured in terminal cells. The last column is not
// padded, so lines carry no trailing spaces.
func printTable(w io.Writer, header []string, rows [][]string) error {
	cells := make([][]certs.Text, 0, len(rows)+1)
	for _, r := range append([][]string{header}, rows...) {
		out := make([]certs.Text, len(r))
		for i, c := range r {
			out[i] = safeText(c)
		}
		cells = append(cells, out)
	}
	widths := make([]int, len(header))
	for _, r := range cells {
		for i, c := range r {
			widths[i] = max(widths[i], certs.Width(c))
		}
	}
	var b strings.Builder
	for _, r := range cells {
		for i, c := range r {
			b.WriteString(c.String())
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-certs.Width(c)+columnGap))
			}
		}
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// nameResource is what kubectl's -o name prints before a CSR's name.
const nameResource = "certificatesigningrequest.certificates.k8s.io/"

// writeNames writes -o name: each item's CSR name after its resource, one a
// line, as kubectl prints them (and approve, deny and describe read them).
func writeNames[T any](w io.Writer, items []T, name func(T) string) error {
	var b strings.Builder
	for _, it := range items {
		b.WriteString(nameResource + safe(name(it)) + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeDocument writes v as -o json or -o yaml.
func writeDocument(w io.Writer, format string, v any) error {
	if format == outYAML {
		return writeYAML(w, v)
	}
	return writeJSON(w, v)
}

// writeJSON writes v as indented JSON with every character outside printable
// ASCII written as a \u escape (certs.ASCIIJSON): the values are raw (a
// control character in a name stays that character for a program reading the
// JSON), yet nothing in the output can act on a terminal it is printed to.
func writeJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "    ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(certs.ASCIIJSON(buf.Bytes()))
	return err
}

// writeYAML writes v as YAML: the same document as writeJSON, in the same
// field order, with strings plain when they can't be read as anything else and
// double-quoted with escapes otherwise, so that, as in JSON, nothing outside
// printable ASCII reaches the output.
func writeYAML(w io.Writer, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	node, err := readNode(dec)
	if err != nil {
		return err
	}
	var b strings.Builder
	switch node.kind {
	case nodeObject, nodeArray:
		if len(node.items) == 0 {
			b.WriteString(node.flow() + "\n")
		} else {
			node.writeBlock(&b, 0)
		}
	default:
		b.WriteString(node.scalar() + "\n")
	}
	_, err = io.WriteString(w, b.String())
	return err
}

type nodeKind int

const (
	nodeScalar nodeKind = iota // a number, a boolean or null, as JSON wrote it
	nodeString
	nodeObject
	nodeArray
)

// node is a JSON value with its object keys in order.
type node struct {
	kind  nodeKind
	text  string // scalar text, or the string's value
	keys  []string
	items []node // object values (by keys) or array elements
}

func readNode(dec *json.Decoder) (node, error) {
	tok, err := dec.Token()
	if err != nil {
		return node{}, err
	}
	switch t := tok.(type) {
	case json.Delim:
		n := node{kind: nodeArray}
		if t == '{' {
			n.kind = nodeObject
		}
		for dec.More() {
			if n.kind == nodeObject {
				k, err := dec.Token()
				if err != nil {
					return node{}, err
				}
				key, ok := k.(string)
				if !ok {
					return node{}, errors.New("yaml: object key is not a string")
				}
				n.keys = append(n.keys, key)
			}
			child, err := readNode(dec)
			if err != nil {
				return node{}, err
			}
			n.items = append(n.items, child)
		}
		if _, err := dec.Token(); err != nil { // the closing delimiter
			return node{}, err
		}
		return n, nil
	case string:
		return node{kind: nodeString, text: t}, nil
	case json.Number:
		return node{kind: nodeScalar, text: t.String()}, nil
	case bool:
		return node{kind: nodeScalar, text: strconv.FormatBool(t)}, nil
	case nil:
		return node{kind: nodeScalar, text: "null"}, nil
	default:
		return node{}, fmt.Errorf("yaml: unexpected JSON token %v", tok)
	}
}

// flow is an empty collection.
func (n node) flow() string {
	if n.kind == nodeObject {
		return "{}"
	}
	return "[]"
}

func (n node) scalar() string {
	if n.kind == nodeString {
		return yamlString(n.text)
	}
	return n.text
}

// inline reports whether n is written on its key's line.
func (n node) inline() bool {
	return (n.kind != nodeObject && n.kind != nodeArray) || len(n.items) == 0
}

func (n node) inlineText() string {
	if n.kind == nodeObject || n.kind == nodeArray {
		return n.flow()
	}
	return n.scalar()
}

// writeBlock writes a non-empty object or array at indent, in the layout
// kubectl's YAML has: sequences under a key start at the key's column.
func (n node) writeBlock(b *strings.Builder, indent int) {
	pad := strings.Repeat(" ", indent)
	for i, child := range n.items {
		if n.kind == nodeObject {
			b.WriteString(pad + yamlString(n.keys[i]) + ":")
			switch {
			case child.inline():
				b.WriteString(" " + child.inlineText() + "\n")
			case child.kind == nodeArray:
				b.WriteString("\n")
				child.writeBlock(b, indent)
			default:
				b.WriteString("\n")
				child.writeBlock(b, indent+2)
			}
			continue
		}
		b.WriteString(pad + "-")
		switch {
		case child.inline():
			b.WriteString(" " + child.inlineText() + "\n")
		default:
			// The first line of a nested collection goes on the dash's line.
			var inner strings.Builder
			child.writeBlock(&inner, indent+2)
			b.WriteString(" " + strings.TrimPrefix(inner.String(), pad+"  "))
		}
	}
}

// plainYAML matches strings YAML reads back as the same string when written
// without quotes: starting with a letter (so never a number, a date or an
// indicator), then letters, digits and a few punctuation marks, with single
// spaces between words.
var plainYAML = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_./@:,+=-]*( [A-Za-z0-9_./@:,+=-]+)*$`)

// yamlWords are plain scalars YAML 1.1 reads as booleans or null.
var yamlWords = map[string]bool{
	"y": true, "yes": true, "n": true, "no": true, "true": true, "false": true,
	"on": true, "off": true, "null": true,
}

// yamlString writes s as a YAML scalar that reads back as exactly s.
func yamlString(s string) string {
	if plainYAML.MatchString(s) && !yamlWords[strings.ToLower(s)] &&
		!strings.Contains(s, ": ") && !strings.HasSuffix(s, ":") {
		return s
	}
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r >= 0x20 && r < 0x7f:
			b.WriteRune(r)
		case r < 0x10000:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			fmt.Fprintf(&b, `\U%08x`, r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
