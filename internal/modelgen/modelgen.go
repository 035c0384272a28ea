// Package modelgen writes synthetic threatmap.yaml models for benchmarks.
//
// Dense is shaped like the models Threagile users write: every component
// stores assets, every component talks to several others over links that
// carry assets both ways, most components expose surfaces, and components
// sit in zones grouped into larger zones. It is the shape that makes an
// analysis superlinear if any rule walks the whole model per element.
package modelgen

import (
	"fmt"
	"io"
	"strings"
)

// Dense writes a model of n components (n >= 1) to w. The output depends
// on n alone.
func Dense(w io.Writer, n int) error {
	if n < 1 {
		return fmt.Errorf("modelgen: %d components, want at least 1", n)
	}
	var b strings.Builder
	nAssets := max(n/2, 3)
	nIdents := max(n/10, 1)
	assetKinds := []string{"user-data", "credentials", "credits", "integrity", "availability", "other"}
	sens := []string{"low", "medium", "high", "critical"}
	compKinds := []string{"service", "datastore", "service", "bucket", "queue", "function", "cache", "third-party", "admin", "service", "client", "ci"}
	surfKinds := []string{"endpoint", "webhook", "upload", "admin", "storage", "exit", "page", "queue", "endpoint", "secret"}
	exposures := []string{"public", "authenticated", "internal", "private"}
	auths := []string{"none", "session", "token", "api-key", "mfa", "oauth", "mtls"}
	protocols := []string{"https", "http", "grpc", "sql", "amqp", "tls", "tcp"}
	identKinds := []string{"iam-role", "service-account", "api-key", "bot-token", "iam-user"}
	asset := func(i int) string { return fmt.Sprintf("a%d", i%nAssets) }

	b.WriteString("system: {name: dense, owner: bench, reviewed: 2026-10-01, review_every: 90d}\nassets:\n")
	for i := range nAssets {
		fmt.Fprintf(&b, "  - {id: a%d, name: Asset %d, kind: %s, sensitivity: %s}\n", i, i, assetKinds[i%len(assetKinds)], sens[(i/3)%len(sens)])
	}
	b.WriteString("components:\n")
	for i := range n {
		k := compKinds[i%len(compKinds)]
		fmt.Fprintf(&b, "  - {id: c%d, name: Component %d, kind: %s, runs_as: id%d, stores: [%s, %s, %s]", i, i, k, i%nIdents, asset(i), asset(i*7+1), asset(i*13+2))
		switch k {
		case "third-party":
			fmt.Fprintf(&b, ", provider: p%d", i%17)
		case "bucket", "datastore":
			fmt.Fprintf(&b, ", public: %v, keys: predictable, encrypted_at_rest: %v, access_logging: %v", i%5 == 0, i%3 == 0, i%4 == 0)
		case "admin":
			fmt.Fprintf(&b, ", audit_log: %v", i%2 == 0)
		}
		fmt.Fprintf(&b, ", tags: [t%d]}\n", i%9)
	}
	b.WriteString("identities:\n")
	for i := range nIdents {
		fmt.Fprintf(&b, "  - {id: id%d, kind: %s, scope: %s, expires: %s, mfa: %v}\n", i, identKinds[i%len(identKinds)], []string{"least", "broad", "admin"}[i%3], []string{"never", "1h", "90d"}[i%3], i%2 == 0)
	}
	b.WriteString("surfaces:\n")
	for i := range n {
		for j := range 2 {
			if (i+j)%3 == 2 {
				continue
			}
			s := i*2 + j
			k := surfKinds[s%len(surfKinds)]
			fmt.Fprintf(&b, "  - {id: s%d, kind: %s, component: c%d, exposure: %s, auth: %s, assets: [%s, %s]", s, k, i, exposures[s%len(exposures)], auths[s%len(auths)], asset(s*3), asset(s*5+1))
			switch k {
			case "endpoint", "upload", "admin", "page":
				fmt.Fprintf(&b, ", method: %s, path: /v1/r%d/:id, costly: %v, ids: sequential", []string{"GET", "POST", "PUT", "DELETE"}[s%4], s, s%4 == 0)
			case "webhook":
				fmt.Fprintf(&b, ", method: POST, path: /hooks/h%d, sender: stripe, signature: %s", s, []string{"none", "stripe"}[s%2])
			case "exit":
				fmt.Fprintf(&b, ", exit: %s, content: [stack-traces, pii]", []string{"error", "log", "email", "export", "third-party-call", "response"}[s%6])
			}
			if s%11 == 0 {
				b.WriteString(", llm: {input: [user, documents], output: html, tools: [search, refund], write_tools: true}")
			}
			b.WriteString("}\n")
		}
	}
	// Four links out of every component: to its neighbour, into its zone,
	// and two far ones, each carrying three assets.
	b.WriteString("flows:\n")
	seen := map[[2]int]bool{}
	for i := range n {
		for j, to := range []int{i + 1, (i/20)*20 + (i*7+3)%20, i*31 + 17, i*101 + 5} {
			to %= n
			if to == i || seen[[2]int{i, to}] {
				continue
			}
			seen[[2]int{i, to}] = true
			f := i*4 + j
			fmt.Fprintf(&b, "  - {from: c%d, to: c%d, data: [%s, %s, %s], protocol: %s", i, to, asset(f), asset(f*3+1), asset(f*11+2), protocols[f%len(protocols)])
			if f%5 == 0 {
				fmt.Fprintf(&b, ", credential: id%d", f%nIdents)
			}
			b.WriteString("}\n")
		}
	}
	// Zones of 20 components; every fifth zone is left out, so some
	// components sit outside any boundary.
	b.WriteString("boundaries:\n")
	for z := 0; z*20 < n; z++ {
		if z%5 == 4 {
			continue
		}
		fmt.Fprintf(&b, "  - {id: z%d, name: Zone %d of region %d, components: [", z, z, z/10)
		for i := z * 20; i < min(n, z*20+20); i++ {
			if i > z*20 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "c%d", i)
		}
		b.WriteString("]}\n")
	}
	b.WriteString("controls:\n")
	for i := 0; i < n; i += 7 {
		s := i * 2 // the surfaces loop above skips s(2i) when i%3 == 2
		if i%3 == 2 {
			s++
		}
		fmt.Fprintf(&b, "  - {id: k%d, kind: %s, on: [c%d, s%d], status: implemented}\n", i, []string{"rate-limited", "authentication", "encrypted-at-rest", "audit-log"}[i%4], i, s)
	}
	b.WriteString("  - {id: ksys, kind: secret-scanning, status: planned}\n")
	_, err := io.WriteString(w, b.String())
	return err
}
