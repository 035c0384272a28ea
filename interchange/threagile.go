package interchange

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/threatmap/threatmap/model"
)

// Threagile's element kinds, as named in the counts of an import.
const (
	tgDataAssets      = "data_assets"
	tgTechnicalAssets = "technical_assets"
	tgLinks           = "communication_links"
	tgBoundaries      = "trust_boundaries"
	tgSharedRuntimes  = "shared_runtimes"
	tgRiskTracking    = "risk_tracking"
	tgCustomRisks     = "individual_risk_categories"
)

type tgLink struct {
	node, val                                           *yaml.Node
	title, target, desc, protocol, authn, authz, source string
	vpn, ipFiltered, readonly                           bool
	sent, received                                      []string
}

type tgTech struct {
	node                                            *yaml.Node
	key, id, title, desc, typ, usage, machine, encr string
	owner, conf, integ, avail                       string
	technologies, tags, stored, processed           []string
	human, outOfScope, internet                     bool
	links                                           []tgLink
}

// ImportThreagile maps a Threagile model (YAML) to a threatmap model. file
// names the source in errors, which carry file:line:col.
func ImportThreagile(file string, data []byte) (*Imported, error) {
	if len(data) > MaxInputSize {
		return nil, fmt.Errorf("%s: larger than %d bytes", file, MaxInputSize)
	}
	root, err := parseYAML(file, data)
	if err != nil {
		return nil, err
	}
	e := &errorsAt{file: file}
	if root.Kind != yaml.MappingNode {
		e.add(root, "a Threagile model is a mapping with title:, data_assets:, technical_assets: ...")
		return nil, e.err()
	}
	im := &Imported{Source: "Threagile", Model: &model.Model{}, Counts: map[string]int{}}
	ids := newIDs()
	m := im.Model
	m.System.Name = e.str(root, "title")
	if m.System.Name == "" {
		m.System.Name = "Imported Threagile model"
	}
	m.System.Owner = e.str(field(root, "author"), "name")
	if d := e.str(root, "date"); d != "" {
		im.note("date: %s (the model's date; set reviewed: and review_every: once it has been reviewed against what runs)", d)
	}
	if crit := e.str(root, "business_criticality"); crit != "" {
		im.note("business_criticality: %s (threatmap ranks threats by the assets they reach instead)", crit)
	}
	if desc := e.str(field(root, "business_overview"), "description"); desc != "" {
		m.System.Description = strings.Join(strings.Fields(desc), " ")
	}
	for _, k := range []string{"questions", "abuse_cases", "security_requirements"} {
		if n := len(e.pairs(field(root, k), k)); n > 0 {
			im.Counts[k] = n
			im.note("%s: %d entries (no equivalent; keep them in the project's docs)", k, n)
		}
	}

	// Data assets become assets.
	assetIDs := map[string]string{}
	for _, p := range e.pairs(field(root, tgDataAssets), tgDataAssets) {
		im.Counts[tgDataAssets]++
		n := p.val
		foreign := e.str(n, "id")
		if foreign == "" {
			e.add(p.key, "data asset %q has no id", p.key.Value)
			continue
		}
		id := ids.assign("asset", foreign)
		assetIDs[foreign] = id
		conf, integ, avail := e.str(n, "confidentiality"), e.str(n, "integrity"), e.str(n, "availability")
		a := model.Asset{ID: id, Name: p.key.Value, Description: oneLine(e.str(n, "description")),
			Kind: tgAssetKind(foreign+" "+p.key.Value, conf, integ, avail), Sensitivity: tgSensitivity(conf, integ, avail)}
		m.Assets = append(m.Assets, a)
		im.comment(id, "Threagile data asset %s: confidentiality %s, integrity %s, availability %s.", foreign, orDash(conf), orDash(integ), orDash(avail))
	}
	assetRefs := func(n *yaml.Node, list []string, what string) []string {
		var out []string
		for _, a := range list {
			if id, ok := assetIDs[a]; ok {
				if !slices.Contains(out, id) {
					out = append(out, id)
				}
				continue
			}
			e.add(field(n, what), "%s: no data asset with id %q", what, a)
		}
		return out
	}

	// Technical assets become components; first pass assigns ids so that
	// links can point forward.
	var techs []*tgTech
	for _, p := range e.pairs(field(root, tgTechnicalAssets), tgTechnicalAssets) {
		im.Counts[tgTechnicalAssets]++
		n := p.val
		t := &tgTech{node: n, key: p.key.Value, title: p.key.Value, id: e.str(n, "id"), desc: e.str(n, "description"),
			typ: e.str(n, "type"), usage: e.str(n, "usage"), machine: e.str(n, "machine"), encr: e.str(n, "encryption"),
			owner: e.str(n, "owner"), conf: e.str(n, "confidentiality"), integ: e.str(n, "integrity"), avail: e.str(n, "availability"),
			technologies: e.strs(n, "technologies"), tags: e.strs(n, "tags"),
			stored: e.strs(n, "data_assets_stored"), processed: e.strs(n, "data_assets_processed"),
			human: e.boolean(n, "used_as_client_by_human"), outOfScope: e.boolean(n, "out_of_scope"), internet: e.boolean(n, "internet")}
		if tech := e.str(n, "technology"); tech != "" {
			t.technologies = append([]string{tech}, t.technologies...)
		}
		if t.id == "" {
			e.add(p.key, "technical asset %q has no id", p.key.Value)
			continue
		}
		ids.assign("component", t.id)
		for _, lp := range e.pairs(field(n, tgLinks), tgLinks) {
			ln := lp.val
			t.links = append(t.links, tgLink{node: lp.key, val: ln, title: lp.key.Value, source: t.id, target: e.str(ln, "target"),
				desc: e.str(ln, "description"), protocol: e.str(ln, "protocol"), authn: e.str(ln, "authentication"),
				authz: e.str(ln, "authorization"), vpn: e.boolean(ln, "vpn"), ipFiltered: e.boolean(ln, "ip_filtered"),
				readonly: e.boolean(ln, "readonly"), sent: e.strs(ln, "data_assets_sent"), received: e.strs(ln, "data_assets_received")})
		}
		techs = append(techs, t)
	}
	byForeign := map[string]*tgTech{}
	for _, t := range techs {
		byForeign[t.id] = t
		id, _ := ids.get("component", t.id)
		c := model.Component{ID: id, Name: t.title, Description: oneLine(t.desc), Kind: tgComponentKind(t), Tags: t.tags}
		c.Stores = assetRefs(t.node, t.stored, "data_assets_stored")
		if c.Kind == "datastore" || c.Kind == "bucket" || len(c.Stores) > 0 {
			enc := t.encr != "" && t.encr != "none"
			c.Encrypted = &enc
		}
		if t.outOfScope {
			c.Tags = append(c.Tags, "out-of-scope")
		}
		if t.internet {
			c.Tags = append(c.Tags, "internet")
		}
		m.Components = append(m.Components, c)
		var extra []string
		extra = append(extra, "type "+orDash(t.typ), "technology "+orDash(strings.Join(t.technologies, ", ")))
		if t.machine != "" {
			extra = append(extra, "machine "+t.machine)
		}
		if t.usage != "" {
			extra = append(extra, "usage "+t.usage)
		}
		if proc := assetRefs(t.node, t.processed, "data_assets_processed"); len(proc) > 0 {
			extra = append(extra, "processes "+strings.Join(proc, ", "))
		}
		if t.owner != "" {
			extra = append(extra, "owner "+t.owner)
		}
		im.comment(id, "Threagile technical asset %s: %s.", t.id, strings.Join(extra, "; "))
		if t.outOfScope {
			im.comment(id, "Out of scope in Threagile: %s", orDash(oneLine(e.str(t.node, "justification_out_of_scope"))))
		}
	}

	// Trust boundaries: nested ones are flattened (each keeps its own
	// components), since a threatmap component sits in one zone.
	inBoundary := map[string]string{}
	nestedIn := map[string]string{}
	type tgBoundary struct {
		key, val *yaml.Node
		id       string
	}
	var bounds []tgBoundary
	for _, p := range e.pairs(field(root, tgBoundaries), tgBoundaries) {
		im.Counts[tgBoundaries]++
		foreign := e.str(p.val, "id")
		if foreign == "" {
			e.add(p.key, "trust boundary %q has no id", p.key.Value)
			continue
		}
		bounds = append(bounds, tgBoundary{p.key, p.val, foreign})
		for _, nb := range e.strs(p.val, "trust_boundaries_nested") {
			nestedIn[nb] = foreign
		}
		ids.assign("boundary", foreign)
	}
	for _, b := range bounds {
		id, _ := ids.get("boundary", b.id)
		bd := model.Boundary{ID: id, Name: b.key.Value}
		for _, ta := range e.strs(b.val, "technical_assets_inside") {
			cid, ok := ids.get("component", ta)
			if !ok {
				e.add(field(b.val, "technical_assets_inside"), "technical_assets_inside: no technical asset with id %q", ta)
				continue
			}
			if prev, dup := inBoundary[cid]; dup {
				im.comment(id, "%s is also listed here but already sits in %s.", cid, prev)
				continue
			}
			inBoundary[cid] = id
			bd.Components = append(bd.Components, cid)
		}
		m.Boundaries = append(m.Boundaries, bd)
		c := fmt.Sprintf("Threagile trust boundary %s: type %s.", b.id, orDash(e.str(b.val, "type")))
		if parent, ok := nestedIn[b.id]; ok {
			pid, _ := ids.get("boundary", parent)
			c += fmt.Sprintf(" Nested inside %s in Threagile; threatmap zones do not nest, so it stands on its own.", pid)
		}
		im.comment(id, "%s", c)
	}

	// Communication links become flows, and links into a web or API
	// asset from outside its zone become surfaces of the target.
	identities := map[string]int{}
	surfaces := map[string]int{}
	for _, t := range techs {
		from, _ := ids.get("component", t.id)
		for _, l := range t.links {
			im.Counts[tgLinks]++
			to, ok := ids.get("component", l.target)
			if !ok {
				e.add(field(l.val, "target"), "communication link %q: target: no technical asset with id %q", l.title, l.target)
				continue
			}
			fid := ids.assign("flow", t.id+">"+l.title)
			f := model.Flow{ID: fid, From: from, To: to, Protocol: l.protocol}
			f.Data = assetRefs(l.val, append(append([]string{}, l.sent...), l.received...), "data_assets_sent")
			if l.protocol != "" {
				enc := tgEncrypted(l.protocol)
				f.Encrypted = &enc
			}
			if l.authn != "" && l.authn != "none" {
				key := from + "/" + l.authn
				i, ok := identities[key]
				if !ok {
					kind, mfa := tgIdentityKind(l.authn)
					iid := ids.assign("identity", from+"-"+l.authn)
					m.Identities = append(m.Identities, model.Identity{ID: iid, Name: fmt.Sprintf("%s (%s)", t.title, l.authn), Kind: kind, MFA: mfa, UsedBy: []string{from}})
					im.comment(iid, "Made from Threagile authentication %q on links from %s.", l.authn, t.id)
					i = len(m.Identities) - 1
					identities[key] = i
				}
				f.Credential = m.Identities[i].ID
			}
			m.Flows = append(m.Flows, f)
			var extra []string
			extra = append(extra, "link "+l.title)
			if l.authz != "" {
				extra = append(extra, "authorization "+l.authz)
			}
			for _, b := range []struct {
				on   bool
				text string
			}{{l.vpn, "over a VPN"}, {l.ipFiltered, "IP-filtered"}, {l.readonly, "read-only"}} {
				if b.on {
					extra = append(extra, b.text)
				}
			}
			im.comment(fid, "Threagile %s.", strings.Join(extra, "; "))

			target := byForeign[l.target]
			// A third party's API is theirs to defend: only the system's
			// own web assets get surfaces.
			if target == nil || !tgIsWeb(target) || target.typ == "external-entity" {
				continue
			}
			src := byForeign[l.source]
			outside := src.internet || src.typ == "external-entity" || inBoundary[from] != inBoundary[to]
			if !outside {
				continue
			}
			sid, seen := surfaces[to]
			if !seen {
				id := ids.assign("surface", l.target+"-endpoint")
				m.Surfaces = append(m.Surfaces, model.Surface{ID: id, Kind: "endpoint", Component: to, Method: "ANY", Path: "/",
					Name: target.title, Exposure: "internal", Auth: tgSurfaceAuth(l.authn)})
				im.comment(id, "Where links from outside %s's zone reach it; Threagile has no paths, so / stands for the whole API.", l.target)
				sid = len(m.Surfaces) - 1
				surfaces[to] = sid
			}
			s := &m.Surfaces[sid]
			exposure := "internal"
			if src.internet || src.typ == "external-entity" {
				exposure = "authenticated"
				if l.authn == "" || l.authn == "none" {
					exposure = "public"
				}
			}
			if exposureRank(exposure) > exposureRank(s.Exposure) {
				s.Exposure = exposure
				s.Auth = tgSurfaceAuth(l.authn)
			}
			for _, a := range f.Data {
				if !slices.Contains(s.Assets, a) {
					s.Assets = append(s.Assets, a)
				}
			}
		}
	}

	// Shared runtimes have no equivalent.
	for _, p := range e.pairs(field(root, tgSharedRuntimes), tgSharedRuntimes) {
		im.Counts[tgSharedRuntimes]++
		im.note("shared runtime %q (%s) runs %s: threatmap has no shared-runtime element; tag the components if it matters",
			p.key.Value, e.str(p.val, "id"), strings.Join(e.strs(p.val, "technical_assets_running"), ", "))
	}
	customRules := map[string]string{}
	for _, p := range e.pairs(field(root, tgCustomRisks), tgCustomRisks) {
		im.Counts[tgCustomRisks]++
		cat := e.str(p.val, "id")
		desc := e.str(p.val, "description")
		if impact := e.str(p.val, "impact"); impact != "" {
			desc = strings.TrimSpace(desc + " Impact: " + impact)
		}
		stride := strideOf(e.str(p.val, "stride"))
		for _, r := range e.pairs(field(p.val, "risks_identified"), "risks_identified") {
			im.Counts["individual risks"]++
			asset := e.str(r.val, "most_relevant_technical_asset")
			elem, ok := ids.get("component", asset)
			if !ok {
				im.note("individual risk %q: names no technical asset of the model, left out", oneLine(r.key.Value))
				continue
			}
			rule := im.addCustom("threagile", p.key.Value, desc, e.str(p.val, "mitigation"), stride, tgImpact(e.str(r.val, "severity")), "component", elem)
			if cat != "" {
				customRules[cat] = rule
			}
		}
	}
	tgRiskTrackingImport(im, e, ids, field(root, tgRiskTracking), customRules)
	if err := e.err(); err != nil {
		return nil, err
	}
	return im, nil
}

// threagileRules maps Threagile risk categories to the threatmap rule that
// finds the same threat, and the kind of element that rule is about.
var threagileRules = map[string]struct{ rule, kind string }{
	"unencrypted-asset":               {"unencrypted-storage", "component"},
	"unencrypted-communication":       {"plaintext-transport", "flow"},
	"missing-authentication":          {"missing-authentication", "surface"},
	"cross-site-scripting":            {"stored-xss", "surface"},
	"cross-site-request-forgery":      {"cross-site-request-forgery", "surface"},
	"server-side-request-forgery":     {"server-side-request-forgery", "surface"},
	"container-baseimage-backdooring": {"unpinned-base-image", "component"},
	"unchecked-deployment":            {"unprotected-deploy-pipeline", "component"},
	"missing-file-validation":         {"upload-abuse", "surface"},
}

// tgRiskTrackingImport turns tracked risks into responses where the risk
// maps to a rule and a single element, and into notes otherwise.
func tgRiskTrackingImport(im *Imported, e *errorsAt, ids *idAllocator, n *yaml.Node, customRules map[string]string) {
	m := im.Model
	for _, p := range e.pairs(n, tgRiskTracking) {
		im.Counts[tgRiskTracking]++
		key := p.key.Value
		status, why := e.str(p.val, "status"), oneLine(e.str(p.val, "justification"))
		ticket, date, by := e.str(p.val, "ticket"), e.str(p.val, "date"), e.str(p.val, "checked_by")
		parts := strings.Split(key, "@")
		mapping, known := threagileRules[parts[0]]
		if rule, ok := customRules[parts[0]]; ok {
			mapping, known = struct{ rule, kind string }{rule, "component"}, true
		}
		if !known {
			im.note("risk tracking %s: %s (no threatmap rule finds this Threagile risk)", key, orDash(status))
			continue
		}
		elem := ""
		for _, seg := range parts[1:] {
			if seg == "*" {
				continue
			}
			if id, ok := tgElement(ids, mapping.kind, seg); ok {
				elem = id
				break
			}
		}
		if elem == "" || slices.Contains(parts, "*") {
			im.note("risk tracking %s: %s (maps to rule %s, but names no single element; write a response per element)", key, orDash(status), mapping.rule)
			continue
		}
		threat := mapping.rule + "@" + elem
		if _, dup := m.Responses.Get(threat); dup {
			im.note("risk tracking %s: a second entry for %s, left out", key, threat)
			continue
		}
		r := model.Response{Threat: threat}
		when, _ := time.Parse(time.DateOnly, date)
		switch status {
		case "accepted":
			if when.IsZero() || by == "" {
				im.note("risk tracking %s: accepted without date or checked_by, which an acceptance needs", key)
				continue
			}
			r.Accept = &model.Acceptance{By: by, On: model.Date{Time: when}, Until: model.Date{Time: when.AddDate(1, 0, 0)}, Why: orDash(why)}
			im.comment(threat, "Threagile risk %s, accepted; Threagile sets no revisit date, so until is a year after.", key)
		case "false-positive":
			r.NotApplicable = orDash(why)
		case "mitigated", "in-progress":
			cid := ids.assign("control", slug(key)+"-control")
			st := "implemented"
			if status == "in-progress" {
				st = "planned"
			}
			m.Controls = append(m.Controls, model.Control{ID: cid, Name: orDash(why), Kind: "threagile-" + parts[0], On: []string{elem}, Status: st, Evidence: ticket, Owner: by})
			r.Mitigate = []string{cid}
		default:
			im.note("risk tracking %s: %s (no decision yet)", key, orDash(status))
			continue
		}
		if ticket != "" && r.Kind() != "mitigate" {
			r.Note = "ticket " + ticket
		}
		m.Responses = append(m.Responses, r)
	}
}

// tgElement finds the imported element of kind for a Threagile id.
func tgElement(ids *idAllocator, kind, foreign string) (string, bool) {
	switch kind {
	case "surface":
		return ids.get("surface", foreign+"-endpoint")
	case "flow":
		for k, v := range ids.byKd["flow"] {
			if k == foreign || strings.HasSuffix(k, ">"+foreign) || slug(k) == slug(foreign) {
				return v, true
			}
		}
		return "", false
	}
	return ids.get(kind, foreign)
}

var tgClientTech = []string{"browser", "desktop", "mobile-app", "devops-client", "cli", "client-system", "iot-device", "tool"}

func tgComponentKind(t *tgTech) string {
	has := func(list ...string) bool {
		for _, x := range t.technologies {
			if slices.Contains(list, x) {
				return true
			}
		}
		return false
	}
	switch {
	case has("build-pipeline"):
		return "ci"
	case has("sourcecode-repository", "artifact-registry"):
		return "registry"
	case has("message-queue", "stream-processing", "event-listener"):
		return "queue"
	case has("function", "serverless"):
		return "function"
	case t.typ == "datastore" && has("block-storage", "file-server", "local-file-system"):
		return "bucket"
	case t.typ == "datastore":
		return "datastore"
	case has("database", "identity-store-database", "identity-store-ldap", "data-lake", "vault", "hsm"):
		return "datastore"
	case t.typ == "external-entity" && (t.human || has(tgClientTech...)):
		return "client"
	case has(tgClientTech...):
		return "client"
	case t.typ == "external-entity":
		return "third-party"
	}
	return "service"
}

var tgWebTech = []string{"web-server", "web-application", "web-service-rest", "web-service-soap", "application-server",
	"reverse-proxy", "load-balancer", "gateway", "cms", "identity-provider", "waf", "api"}

func tgIsWeb(t *tgTech) bool {
	for _, x := range t.technologies {
		if slices.Contains(tgWebTech, x) {
			return true
		}
	}
	return false
}

// tgEncrypted says whether a Threagile protocol is encrypted (the list is
// Threagile's own).
func tgEncrypted(p string) bool {
	switch p {
	case "https", "wss", "jdbc-encrypted", "odbc-encrypted", "nosql-access-protocol-encrypted", "sql-access-protocol-encrypted",
		"binary-encrypted", "text-encrypted", "ssh", "ssh-tunnel", "ftps", "sftp", "scp", "ldaps", "reverse-proxy-web-protocol-encrypted",
		"iiop-encrypted", "jrmp-encrypted", "smb-encrypted", "smtp-encrypted", "pop3-encrypted", "imap-encrypted", "in-process-library-call",
		"local-file-access", "in-memory", "container-spawning":
		return true
	}
	return false
}

func tgIdentityKind(authn string) (string, bool) {
	switch authn {
	case "token":
		return "api-key", false
	case "client-certificate":
		return "service-account", false
	case "two-factor":
		return "user", true
	case "credentials", "session-id":
		return "user", false
	}
	return "other", false
}

func tgSurfaceAuth(authn string) string {
	switch authn {
	case "", "none":
		return "none"
	case "token":
		return "token"
	case "client-certificate":
		return "mtls"
	case "two-factor":
		return "mfa"
	case "externalized":
		return "oauth"
	}
	return "session"
}

func exposureRank(e string) int {
	return map[string]int{"private": 0, "internal": 1, "authenticated": 2, "public": 3}[e]
}

var ciaRank = map[string]int{
	"public": 0, "archive": 0, "internal": 1, "operational": 1, "restricted": 2, "important": 2,
	"confidential": 3, "critical": 3, "strictly-confidential": 4, "mission-critical": 4,
}

func tgAssetKind(name, conf, integ, avail string) string {
	lower := strings.ToLower(name)
	for _, w := range []string{"credential", "password", "secret", "token", "key"} {
		if strings.Contains(lower, w) {
			return "credentials"
		}
	}
	switch {
	case ciaRank[conf] >= 3:
		return "user-data"
	case ciaRank[integ] >= 3:
		return "integrity"
	case ciaRank[avail] >= 3:
		return "availability"
	}
	return "other"
}

func tgSensitivity(conf, integ, avail string) string {
	r := max(ciaRank[conf], ciaRank[integ], ciaRank[avail])
	return []string{"low", "low", "medium", "high", "critical"}[r]
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// tgImpact reads a Threagile risk severity as an impact.
func tgImpact(severity string) string {
	switch severity {
	case "critical":
		return "critical"
	case "high", "elevated":
		return "high"
	case "low":
		return "low"
	}
	return "medium"
}
