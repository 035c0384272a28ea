package report

import (
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/threatmap/threatmap/model"
)

var mermaidUnsafe = regexp.MustCompile(`[^A-Za-z0-9_]`)

func mermaidID(id string) string { return "n_" + mermaidUnsafe.ReplaceAllString(id, "_") }

// mermaidText escapes a label for a quoted Mermaid string.
func mermaidText(s string) string {
	r := strings.NewReplacer(`"`, "#quot;", "<", "#lt;", ">", "#gt;", "\n", " ")
	return r.Replace(s)
}

// WriteMermaid draws the model's data flows as a Mermaid flowchart: one
// subgraph per trust boundary, components as nodes (shaped by kind), flows
// as edges labelled with the data and protocol, plaintext flows dashed.
func WriteMermaid(w io.Writer, m *model.Model) error {
	var b strings.Builder
	b.WriteString("flowchart LR\n")
	inZone := map[string]bool{}
	for _, z := range m.Boundaries {
		label := z.Name
		if label == "" {
			label = z.ID
		}
		fmt.Fprintf(&b, "  subgraph %s[\"%s\"]\n", mermaidID("zone_"+z.ID), mermaidText(label))
		for _, cid := range z.Components {
			for _, c := range m.Components {
				if c.ID == cid {
					fmt.Fprintf(&b, "    %s\n", mermaidNode(c))
					inZone[c.ID] = true
				}
			}
		}
		b.WriteString("  end\n")
	}
	for _, c := range m.Components {
		if !inZone[c.ID] {
			fmt.Fprintf(&b, "  %s\n", mermaidNode(c))
		}
	}
	for _, f := range m.Flows {
		var label []string
		if len(f.Data) > 0 {
			label = append(label, strings.Join(f.Data, ", "))
		}
		if f.Protocol != "" {
			label = append(label, f.Protocol)
		}
		arrow := "-->"
		if f.Encrypted != nil && !*f.Encrypted {
			arrow = "-.->"
			label = append(label, "plaintext")
		}
		if len(label) > 0 {
			fmt.Fprintf(&b, "  %s %s|\"%s\"| %s\n", mermaidID(f.From), arrow, mermaidText(strings.Join(label, " · ")), mermaidID(f.To))
		} else {
			fmt.Fprintf(&b, "  %s %s %s\n", mermaidID(f.From), arrow, mermaidID(f.To))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func mermaidNode(c model.Component) string {
	text := mermaidText(c.Name)
	id := mermaidID(c.ID)
	switch c.Kind {
	case "datastore", "cache":
		return fmt.Sprintf("%s[(\"%s\")]", id, text)
	case "bucket":
		return fmt.Sprintf("%s[/\"%s\"/]", id, text)
	case "queue":
		return fmt.Sprintf("%s>\"%s\"]", id, text)
	case "third-party", "registry":
		return fmt.Sprintf("%s{{\"%s\"}}", id, text)
	case "client":
		return fmt.Sprintf("%s([\"%s\"])", id, text)
	default:
		return fmt.Sprintf("%s[\"%s\"]", id, text)
	}
}
