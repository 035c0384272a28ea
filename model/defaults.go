package model

import "strings"

// applyDefaults fills in what a small product's model should not have to
// say: sensitivities by asset kind, exposures by surface kind, labels,
// flow ids and encryption from the protocol, identity users from runs_as,
// control status and the gate's policy.
func (m *Model) applyDefaults() {
	for i := range m.Assets {
		a := &m.Assets[i]
		if a.Sensitivity == "" {
			switch a.Kind {
			case "credentials":
				a.Sensitivity = "critical"
			case "availability", "other":
				a.Sensitivity = "medium"
			default:
				a.Sensitivity = "high"
			}
		}
		if a.Name == "" {
			a.Name = a.ID
		}
	}
	for i := range m.Components {
		c := &m.Components[i]
		if c.Name == "" {
			c.Name = c.ID
		}
	}
	for i := range m.Surfaces {
		s := &m.Surfaces[i]
		if s.Method == "" {
			switch s.Kind {
			case "webhook", "upload":
				s.Method = "POST"
			case "endpoint", "page":
				s.Method = "ANY"
			}
		}
		if s.Exposure == "" {
			switch s.Kind {
			case "storage", "secret", "queue":
				s.Exposure = "private"
			default:
				s.Exposure = "public"
			}
		}
		if s.Auth == "" {
			s.Auth = "none"
		}
		if s.Kind == "webhook" && s.Signature == "" {
			s.Signature = strings.ToLower(s.Sender)
			switch s.Signature {
			case "stripe", "github", "slack":
			case "":
				s.Signature = "hmac"
			default:
				s.Signature = "other"
			}
		}
		if s.Name == "" {
			switch {
			case s.Path != "" && s.Method != "" && s.Method != "ANY":
				s.Name = s.Method + " " + s.Path
			case s.Path != "":
				s.Name = s.Path
			default:
				s.Name = s.ID
			}
		}
	}
	for i := range m.Flows {
		f := &m.Flows[i]
		if f.ID == "" {
			f.ID = f.From + "-to-" + f.To
		}
		if f.Encrypted == nil {
			if enc, known := protocolEncrypted(f.Protocol); known {
				f.Encrypted = &enc
			}
		}
	}
	runners := map[string][]string{}
	for _, c := range m.Components {
		if c.RunsAs != "" {
			runners[c.RunsAs] = append(runners[c.RunsAs], c.ID)
		}
	}
	for i := range m.Identities {
		id := &m.Identities[i]
		if id.Name == "" {
			id.Name = id.ID
		}
		for _, c := range runners[id.ID] {
			if !contains(id.UsedBy, c) {
				id.UsedBy = append(id.UsedBy, c)
			}
		}
	}
	for i := range m.Boundaries {
		if m.Boundaries[i].Name == "" {
			m.Boundaries[i].Name = m.Boundaries[i].ID
		}
	}
	for i := range m.Controls {
		c := &m.Controls[i]
		if c.Status == "" {
			c.Status = "implemented"
		}
		if c.Name == "" {
			c.Name = c.ID
		}
	}
	if m.Policy.FailPriority == 0 && m.Policy.Loc.At("fail_priority").Line == 0 {
		m.Policy.FailPriority = 2
	}
	for _, b := range []**bool{&m.Policy.FailingControls, &m.Policy.ExpiredAccepts, &m.Policy.Secrets, &m.Policy.Unmodeled, &m.Policy.ReviewOverdue} {
		if *b == nil {
			t := true
			*b = &t
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
