package iam

import (
	"sort"
)

// Identity is a principal a workload runs as: an IAM role, user or group.
type Identity struct {
	// Name is a Terraform address (aws_iam_role.super_bot_admin) or a
	// CloudFormation logical id.
	Name string
	// Kind is role, user or group.
	Kind string
	File string
	Line int
	// Docs are the permission policies attached to the identity, inline or
	// managed by the same configuration.
	Docs []*Document
	// Trust is a role's assume-role policy, if declared.
	Trust *Document
	// Managed lists AWS managed policies attached by ARN.
	Managed []Attachment
	// Uses lists the components that run as this identity.
	Uses []Use
	// Instances lists the instances a for_each or count identity creates,
	// so that each can be named as the model names it.
	Instances []Instance
}

// Attachment is an AWS managed policy attached to an identity.
type Attachment struct {
	ARN  string
	File string
	Line int
}

// Use is one component running as an identity: a Lambda function, an ECS
// service, an instance. Component is a Terraform address, with the
// for_each key when a block creates several instances.
type Use struct {
	Component string
	File      string
	Line      int
	// Instance is the key of the identity instance used, when the identity
	// is created with for_each or count and each component instance uses
	// its own (aws_iam_role.bot[each.key]); empty means the identity as a
	// whole.
	Instance string
}

// Inventory is every policy and identity found in a tree.
type Inventory struct {
	Docs       []*Document
	Identities []*Identity
}

// owners returns, for each permissions document, the identities holding it.
func (inv *Inventory) owners() map[*Document][]*Identity {
	out := map[*Document][]*Identity{}
	for _, id := range inv.Identities {
		for _, d := range id.Docs {
			out[d] = append(out[d], id)
		}
	}
	return out
}

// distinctUses returns the identity's uses without duplicates, in order.
func (id *Identity) distinctUses() []Use {
	seen := map[string]bool{}
	var out []Use
	for _, u := range id.Uses {
		if seen[u.Component] {
			continue
		}
		seen[u.Component] = true
		out = append(out, u)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Component < out[j].Component })
	return out
}

// usesOf returns the components that run as one instance of the identity:
// those that use that instance, and those that use the identity as a whole.
func (id *Identity) usesOf(key string) []Use {
	var out []Use
	for _, u := range id.distinctUses() {
		if u.Instance == key || u.Instance == "" {
			out = append(out, u)
		}
	}
	return out
}

// sharedBy returns the largest set of components that run as one and the
// same identity instance; more than one means the identity is shared.
func (id *Identity) sharedBy() []Use {
	groups := map[string][]Use{}
	var keys []string
	for _, u := range id.distinctUses() {
		k := u.Instance
		if k == "" {
			// Uses of the identity as a whole share it with each other
			// and with every per-instance use.
			k = "\x00whole"
		}
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], u)
	}
	var best []Use
	whole := groups["\x00whole"]
	for _, k := range keys {
		g := groups[k]
		if k != "\x00whole" {
			g = append(append([]Use(nil), g...), whole...)
		}
		if len(g) > len(best) {
			best = g
		}
	}
	sort.Slice(best, func(i, j int) bool { return best[i].Component < best[j].Component })
	return best
}
