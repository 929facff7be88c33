// Package schema checks csrtui's JSON output against the example document the
// README gives for it, so that neither changes without the other. The unit
// tests of package cli and the end-to-end tests both use it.
package schema

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Example is the JSON document in the first ```json block after the line
// `<!-- schema: marker -->` of the README.
func Example(readme []byte, marker string) (any, error) {
	text := string(readme)
	i := strings.Index(text, "<!-- schema: "+marker+" -->")
	if i < 0 {
		return nil, fmt.Errorf("the README has no <!-- schema: %s --> example", marker)
	}
	rest := text[i:]
	start := strings.Index(rest, "```json\n")
	if start < 0 {
		return nil, fmt.Errorf("no ```json block after <!-- schema: %s -->", marker)
	}
	rest = rest[start+len("```json\n"):]
	end := strings.Index(rest, "```")
	if end < 0 {
		return nil, errors.New("the ```json block does not end")
	}
	var doc any
	if err := json.Unmarshal([]byte(rest[:end]), &doc); err != nil {
		return nil, fmt.Errorf("the README's %s example is not JSON: %w", marker, err)
	}
	return doc, nil
}

// nullable are the fields documented as "or null".
var nullable = []string{".request", ".certificate", ".lastUpdateTime"}

// freeKeys are the maps whose keys are data (annotations, a requester's
// extra): only their values' type is checked.
var freeKeys = []string{".annotations", ".extra"}

func endsWithAny(path string, suffixes []string) bool {
	return slices.ContainsFunc(suffixes, func(s string) bool { return strings.HasSuffix(path, s) })
}

// Problems says where output differs from example: at every level the same
// fields with the same JSON types; objects by their keys, arrays by their
// elements (each checked against the example's first). Nothing means output
// follows the documented schema.
func Problems(output []byte, example any) ([]string, error) {
	var got any
	if err := json.Unmarshal(output, &got); err != nil {
		return nil, fmt.Errorf("the output is not JSON: %w", err)
	}
	var problems []string
	var walk func(path string, got, want any)
	walk = func(path string, got, want any) {
		if got == nil && endsWithAny(path, nullable) {
			return
		}
		switch w := want.(type) {
		case map[string]any:
			g, ok := got.(map[string]any)
			if !ok {
				problems = append(problems, fmt.Sprintf("%s: %T, documented as an object", path, got))
				return
			}
			if endsWithAny(path, freeKeys) {
				for _, k := range keys(g) {
					for _, wk := range keys(w)[:min(1, len(w))] {
						walk(path+"."+k, g[k], w[wk])
					}
				}
				return
			}
			if !slices.Equal(keys(g), keys(w)) {
				problems = append(problems, fmt.Sprintf("%s: fields %v, documented %v", path, keys(g), keys(w)))
				return
			}
			for _, k := range keys(w) {
				walk(path+"."+k, g[k], w[k])
			}
		case []any:
			g, ok := got.([]any)
			if !ok {
				problems = append(problems, fmt.Sprintf("%s: %T, documented as an array", path, got))
				return
			}
			if len(w) == 0 {
				return
			}
			for i, x := range g {
				walk(fmt.Sprintf("%s[%d]", path, i), x, w[0])
			}
		default:
			if fmt.Sprintf("%T", got) != fmt.Sprintf("%T", want) {
				problems = append(problems, fmt.Sprintf("%s: %T, documented as %T", path, got, want))
			}
		}
	}
	walk("", got, example)
	return problems, nil
}

func keys(m map[string]any) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
