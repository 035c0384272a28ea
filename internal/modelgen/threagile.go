package modelgen

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Threagile replicates a Threagile model (its example model, say) until it
// has at least n technical assets, and writes the replicated Threagile
// model to tg and its translation into threatmap.yaml to tm, element for
// element:
//
//	data asset            asset (kind from its id, sensitivity from confidentiality)
//	technical asset       component (datastore, client, third-party or service),
//	                      storing its stored data assets, with an endpoint (or
//	                      storage) surface exposing the data it processes, and an
//	                      error exit for processes
//	communication link    flow carrying the data sent and received
//	trust boundary        boundary (nested boundaries flattened: each keeps the
//	                      assets directly inside it)
//
// Replica r renames every id to ID-rR, so links stay within their replica.
// Risk tracking and individual risks, which name risks of the original ids,
// are dropped.
func Threagile(src []byte, n int, tg, tm io.Writer) error {
	var m map[string]any
	if err := yaml.Unmarshal(src, &m); err != nil {
		return fmt.Errorf("threagile model: %w", err)
	}
	// Dates come back as time.Time; Threagile wants them as written.
	for k, v := range m {
		if t, ok := v.(time.Time); ok {
			m[k] = t.Format("2006-01-02")
		}
	}
	techs, _ := m["technical_assets"].(map[string]any)
	if len(techs) == 0 {
		return fmt.Errorf("threagile model: no technical_assets")
	}
	replicas := (n + len(techs) - 1) / len(techs)
	rename := func(id string, r int) string { return fmt.Sprintf("%s-r%d", id, r) }
	renameAll := func(v any, r int) []any {
		var out []any
		for _, x := range asList(v) {
			out = append(out, rename(fmt.Sprint(x), r))
		}
		return out
	}
	section := func(name string) map[string]any {
		s, _ := m[name].(map[string]any)
		return s
	}
	out := maps.Clone(m)
	newData, newTechs, newBounds, newRuntimes := map[string]any{}, map[string]any{}, map[string]any{}, map[string]any{}
	for r := range replicas {
		for title, v := range section("data_assets") {
			d := clone(v)
			d["id"] = rename(fmt.Sprint(d["id"]), r)
			newData[fmt.Sprintf("%s r%d", title, r)] = d
		}
		for title, v := range techs {
			t := clone(v)
			t["id"] = rename(fmt.Sprint(t["id"]), r)
			t["data_assets_processed"] = renameAll(t["data_assets_processed"], r)
			t["data_assets_stored"] = renameAll(t["data_assets_stored"], r)
			links := map[string]any{}
			for lt, lv := range asMap(t["communication_links"]) {
				l := clone(lv)
				l["target"] = rename(fmt.Sprint(l["target"]), r)
				l["data_assets_sent"] = renameAll(l["data_assets_sent"], r)
				l["data_assets_received"] = renameAll(l["data_assets_received"], r)
				links[lt] = l
			}
			t["communication_links"] = links
			newTechs[fmt.Sprintf("%s r%d", title, r)] = t
		}
		for title, v := range section("trust_boundaries") {
			b := clone(v)
			b["id"] = rename(fmt.Sprint(b["id"]), r)
			b["technical_assets_inside"] = renameAll(b["technical_assets_inside"], r)
			b["trust_boundaries_nested"] = renameAll(b["trust_boundaries_nested"], r)
			newBounds[fmt.Sprintf("%s r%d", title, r)] = b
		}
		for title, v := range section("shared_runtimes") {
			s := clone(v)
			s["id"] = rename(fmt.Sprint(s["id"]), r)
			s["technical_assets_running"] = renameAll(s["technical_assets_running"], r)
			newRuntimes[fmt.Sprintf("%s r%d", title, r)] = s
		}
	}
	out["data_assets"], out["technical_assets"], out["trust_boundaries"], out["shared_runtimes"] = newData, newTechs, newBounds, newRuntimes
	delete(out, "risk_tracking")
	delete(out, "individual_risk_categories")
	enc := yaml.NewEncoder(tg)
	if err := enc.Encode(out); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	return translate(out, tm)
}

// translate writes the threatmap.yaml for a Threagile model, in the order
// of the ids so the output is stable.
func translate(m map[string]any, w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "system: {name: %q, owner: %q, reviewed: 2026-10-01, review_every: 90d}\nassets:\n", str(m["title"]), str(asMap(m["author"])["name"]))
	for _, d := range byID(m["data_assets"]) {
		kind := "user-data"
		id := str(d["id"])
		switch {
		case strings.Contains(id, "credential") || strings.Contains(id, "secret") || strings.Contains(id, "key"):
			kind = "credentials"
		case strings.Contains(id, "code") || strings.Contains(id, "log"):
			kind = "integrity"
		}
		sens := map[string]string{"public": "low", "internal": "low", "restricted": "medium", "confidential": "high", "strictly-confidential": "critical"}[str(d["confidentiality"])]
		if sens == "" {
			sens = "medium"
		}
		fmt.Fprintf(&b, "  - {id: %s, name: %q, kind: %s, sensitivity: %s}\n", id, str(d["description"]), kind, sens)
	}
	techs := byID(m["technical_assets"])
	incoming := map[string][]map[string]any{}
	for _, t := range techs {
		for _, l := range asMap(t["communication_links"]) {
			lm := asMap(l)
			incoming[str(lm["target"])] = append(incoming[str(lm["target"])], lm)
		}
	}
	b.WriteString("components:\n")
	for _, t := range techs {
		kind := "service"
		switch {
		case str(t["type"]) == "datastore":
			kind = "datastore"
		case str(t["type"]) == "external-entity" && t["used_as_client_by_human"] == true:
			kind = "client"
		case str(t["type"]) == "external-entity":
			kind = "third-party"
		case strings.Contains(str(t["technology"]), "build") || strings.Contains(str(t["id"]), "jenkins"):
			kind = "ci"
		}
		fmt.Fprintf(&b, "  - {id: %s, name: %q, kind: %s, stores: %s", str(t["id"]), str(t["description"]), kind, flowList(t["data_assets_stored"]))
		if kind == "datastore" {
			fmt.Fprintf(&b, ", encrypted_at_rest: %v", str(t["encryption"]) != "none" && str(t["encryption"]) != "")
		}
		b.WriteString("}\n")
	}
	b.WriteString("surfaces:\n")
	for _, t := range techs {
		id := str(t["id"])
		exposure := "internal"
		if t["internet"] == true {
			exposure = "public"
		}
		auth := "none"
		for _, l := range incoming[id] {
			if a := map[string]string{"credentials": "basic", "session-id": "session", "token": "token", "client-certificate": "mtls", "two-factor": "mfa"}[str(l["authentication"])]; a != "" {
				auth = a
				break
			}
		}
		switch {
		case str(t["type"]) == "datastore":
			fmt.Fprintf(&b, "  - {id: %s-storage, kind: storage, component: %s, exposure: %s, auth: %s, assets: %s}\n", id, id, exposure, auth, flowList(t["data_assets_stored"]))
		case len(incoming[id]) > 0:
			fmt.Fprintf(&b, "  - {id: %s-api, kind: endpoint, component: %s, method: ANY, path: /%s/:id, exposure: %s, auth: %s, assets: %s}\n", id, id, id, exposure, auth, flowList(t["data_assets_processed"]))
		}
		if str(t["type"]) == "process" {
			fmt.Fprintf(&b, "  - {id: %s-errors, kind: exit, exit: error, component: %s, content: [stack-traces]}\n", id, id)
		}
	}
	b.WriteString("flows:\n")
	for _, t := range techs {
		links := asMap(t["communication_links"])
		for _, title := range slices.Sorted(maps.Keys(links)) {
			l := asMap(links[title])
			data := slices.Concat(asList(l["data_assets_sent"]), asList(l["data_assets_received"]))
			proto := str(l["protocol"])
			enc := strings.HasSuffix(proto, "-encrypted") || slices.Contains([]string{"https", "wss", "ldaps", "ssh", "sftp", "ftps", "smtp-encrypted", "jdbc-encrypted", "odbc-encrypted", "nfs-encrypted"}, proto)
			fmt.Fprintf(&b, "  - {id: %s-%s, from: %s, to: %s, data: %s, protocol: %s, encrypted: %v}\n", str(t["id"]), slug(title), str(t["id"]), str(l["target"]), flowList(data), strings.TrimSuffix(proto, "-encrypted"), enc)
		}
	}
	b.WriteString("boundaries:\n")
	for _, bd := range byID(m["trust_boundaries"]) {
		fmt.Fprintf(&b, "  - {id: %s, name: %q, components: %s}\n", str(bd["id"]), str(bd["description"]), flowList(bd["technical_assets_inside"]))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// clone copies a mapping, or gives an empty one for anything else.
func clone(v any) map[string]any {
	c := maps.Clone(asMap(v))
	if c == nil {
		c = map[string]any{}
	}
	return c
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

func str(v any) string {
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}

func byID(v any) []map[string]any {
	var out []map[string]any
	for _, x := range asMap(v) {
		if m := asMap(x); m != nil {
			out = append(out, m)
		}
	}
	slices.SortFunc(out, func(a, b map[string]any) int { return strings.Compare(str(a["id"]), str(b["id"])) })
	return out
}

func flowList(v any) string {
	var ids []string
	for _, x := range asList(v) {
		ids = append(ids, str(x))
	}
	slices.Sort(ids)
	return "[" + strings.Join(slices.Compact(ids), ", ") + "]"
}

func slug(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case 'a' <= r && r <= 'z', '0' <= r && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}
