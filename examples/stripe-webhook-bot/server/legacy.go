package server

import (
	"encoding/json"
	"net/http"
)

// legacyStripeKey is the trap the seed warns about: a live-looking Stripe
// secret key hard-coded into source for the old sync job. It is fake (no
// such key exists at Stripe) but has the real format, so secret scanners
// flag it. The hardened build never serves the routes that use it; the fix
// is to delete it and read keys from the environment or a secret store.
const legacyStripeKey = "sk_live_ZK7zOPqn00BvMAq8eJpYT3jE"

// legacySync is the forgotten endpoint: once used by a batch job, never
// removed, never rate limited. Each call pretends to pull every customer
// from Stripe, which is what ran up the bill when someone found it.
func (s *Server) legacySync(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.stats.LegacySyncs++
	n := s.stats.LegacySyncs
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"synced":    true,
		"calls":     n,
		"key_scope": legacyStripeKey[:8],
	})
}

// devReset is the dev route left live: it wipes the processed-event store
// so that replays are accepted again.
func (s *Server) devReset(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.seen = map[string]bool{}
	s.seenOrder = nil
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"reset":true}` + "\n"))
}
