package iam

import (
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"go.yaml.in/yaml/v3"

	"github.com/threatmap/threatmap/scan/iac/terraform"
)

// roleAttributes are the attributes through which a resource runs as an
// identity. execution_role_arn is left out on purpose: it is what the ECS
// agent uses to pull images and fetch secrets, not what the code runs as.
var roleAttributes = map[string]bool{
	"role": true, "role_arn": true, "task_role_arn": true, "service_role": true,
	"service_role_arn": true, "instance_role_arn": true, "iam_role_arn": true,
	"iam_instance_profile": true, "iam_role": true,
}

// tfReader reads one Terraform module into an inventory.
type tfReader struct {
	inv  *Inventory
	m    *terraform.Module
	diag []error
	// byAddr and byName find identities by address and by their name
	// attribute; data holds aws_iam_policy_document documents.
	byAddr map[string]*Identity
	byName map[string]*Identity
	policy map[string]*Document
	data   map[string]*Document
}

func readTerraform(inv *Inventory, m *terraform.Module) []error {
	r := &tfReader{inv: inv, m: m, byAddr: map[string]*Identity{}, byName: map[string]*Identity{},
		policy: map[string]*Document{}, data: map[string]*Document{}}
	for _, b := range m.Data("aws_iam_policy_document") {
		d := r.policyDocumentData(b)
		r.data[b.Address()] = d
		inv.Docs = append(inv.Docs, d)
	}
	// Customer managed policies first, so that managed_policy_arns on a
	// role can refer to them.
	for _, b := range m.Resources("aws_iam_policy") {
		if a := terraform.Attr(b.Body, "policy"); a != nil {
			if d := r.documentFrom(a.Expr, b.Address(), Permissions); d != nil {
				r.policy[b.Address()] = d
			}
		}
	}
	for _, b := range m.Resources("aws_iam_role", "aws_iam_user", "aws_iam_group") {
		id := &Identity{Name: b.Address(), Kind: strings.TrimPrefix(b.Type, "aws_iam_"), File: b.File, Line: b.Line}
		if ins := instancesOf(b); len(ins) > 1 || ins[0].Key != "" {
			id.Instances = append(id.Instances, ins...)
		}
		r.byAddr[id.Name] = id
		if name, ok := r.m.String(exprOf(terraform.Attr(b.Body, "name"))); ok {
			r.byName[name] = id
		}
		inv.Identities = append(inv.Identities, id)
		if a := terraform.Attr(b.Body, "assume_role_policy"); a != nil {
			id.Trust = r.documentFrom(a.Expr, b.Address()+".assume_role_policy", Trust)
		}
		for _, ip := range terraform.Blocks(b.Body, "inline_policy") {
			name := b.Address() + ".inline_policy"
			if n, ok := r.m.String(exprOf(terraform.Attr(ip.Body, "name"))); ok {
				name += "." + n
			}
			if a := terraform.Attr(ip.Body, "policy"); a != nil {
				if d := r.documentFrom(a.Expr, name, Permissions); d != nil {
					id.Docs = append(id.Docs, d)
				}
			}
		}
		if a := terraform.Attr(b.Body, "managed_policy_arns"); a != nil {
			r.attachARNs(id, a.Expr)
		}
	}
	for _, b := range m.Resources("aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy") {
		a := terraform.Attr(b.Body, "policy")
		if a == nil {
			continue
		}
		d := r.documentFrom(a.Expr, b.Address(), Permissions)
		if d == nil {
			continue
		}
		owner := strings.TrimSuffix(strings.TrimPrefix(b.Type, "aws_iam_"), "_policy")
		for _, id := range r.identities(terraform.Attr(b.Body, owner)) {
			id.Docs = append(id.Docs, d)
		}
	}
	for _, b := range m.Resources("aws_iam_role_policy_attachment", "aws_iam_user_policy_attachment", "aws_iam_group_policy_attachment", "aws_iam_policy_attachment") {
		var ids []*Identity
		for _, key := range []string{"role", "user", "group", "roles", "users", "groups"} {
			ids = append(ids, r.identities(terraform.Attr(b.Body, key))...)
		}
		for _, id := range ids {
			if a := terraform.Attr(b.Body, "policy_arn"); a != nil {
				r.attachARNs(id, a.Expr)
			}
		}
	}
	r.uses()
	return r.diag
}

// identities resolves an attribute naming roles, users or groups, by
// reference or by name.
func (r *tfReader) identities(a *hclsyntax.Attribute) []*Identity {
	if a == nil {
		return nil
	}
	var out []*Identity
	for _, ref := range terraform.References(a.Expr) {
		if id := r.byAddr[ref]; id != nil {
			out = append(out, id)
		}
	}
	if len(out) > 0 {
		return out
	}
	for _, s := range r.m.Strings(a.Expr) {
		if id := r.byName[s]; id != nil {
			out = append(out, id)
		}
	}
	return out
}

// attachARNs attaches the policies an ARN expression names: customer
// managed policies of the same configuration by reference, AWS managed
// policies by ARN.
func (r *tfReader) attachARNs(id *Identity, expr hclsyntax.Expression) {
	for _, ref := range terraform.References(expr) {
		if d := r.policy[ref]; d != nil {
			id.Docs = append(id.Docs, d)
		}
	}
	for _, v := range r.values(expr) {
		if strings.HasPrefix(v.S, "arn:") {
			id.Managed = append(id.Managed, Attachment{ARN: v.S, File: expr.Range().Filename, Line: v.Line})
		}
	}
}

// uses records which components run as which identity.
func (r *tfReader) uses() {
	profiles := map[string][]*Identity{}
	for _, b := range r.m.Resources("aws_iam_instance_profile") {
		profiles[b.Address()] = r.identities(terraform.Attr(b.Body, "role"))
	}
	keyUsers := map[string][]*Identity{}
	for _, b := range r.m.Resources("aws_iam_access_key") {
		keyUsers[b.Address()] = r.identities(terraform.Attr(b.Body, "user"))
	}
	// An ECS service runs its task definition's role; the service, not the
	// definition, is the component a model names.
	services := map[string][]*terraform.Block{}
	for _, b := range r.m.Resources("aws_ecs_service") {
		for _, ref := range terraform.References(exprOf(terraform.Attr(b.Body, "task_definition"))) {
			services[ref] = append(services[ref], b)
		}
	}
	for _, b := range r.m.Blocks {
		if b.Kind != "resource" || strings.HasPrefix(b.Type, "aws_iam_") {
			continue
		}
		for _, hit := range r.identityRefs(b.Body, 0, profiles, keyUsers) {
			users := []*terraform.Block{b}
			if s := services[b.Address()]; len(s) > 0 {
				users = s
			}
			for _, u := range users {
				for _, in := range instancesOf(u) {
					use := Use{Component: in.Name, File: u.File, Line: u.Line}
					if hit.perInstance {
						use.Instance = in.Key
					}
					hit.id.Uses = append(hit.id.Uses, use)
				}
			}
		}
	}
}

type identityHit struct {
	id   *Identity
	line int
	// perInstance is set when the reference indexes the identity with the
	// component's own key (aws_iam_role.bot[each.key]).
	perInstance bool
}

func (r *tfReader) identityRefs(body *hclsyntax.Body, depth int, profiles, keyUsers map[string][]*Identity) []identityHit {
	var out []identityHit
	for name, a := range body.Attributes {
		for _, ref := range terraform.References(a.Expr) {
			var ids []*Identity
			switch {
			case roleAttributes[name] && r.byAddr[ref] != nil:
				ids = []*Identity{r.byAddr[ref]}
			case roleAttributes[name] && profiles[ref] != nil:
				ids = profiles[ref]
			case keyUsers[ref] != nil:
				// Access keys handed to a component make it run as the user.
				ids = keyUsers[ref]
			}
			text := r.m.Text(a.Expr.Range())
			per := strings.Contains(text, ref+"[each.key]") || strings.Contains(text, ref+"[count.index]")
			for _, id := range ids {
				out = append(out, identityHit{id: id, line: a.SrcRange.Start.Line, perInstance: per})
			}
		}
		if roleAttributes[name] && len(terraform.References(a.Expr)) == 0 {
			if s, ok := r.m.String(a.Expr); ok {
				roleName := s
				if i := strings.LastIndex(s, "/"); i >= 0 && strings.HasPrefix(s, "arn:") {
					roleName = s[i+1:]
				}
				if id := r.byName[roleName]; id != nil {
					out = append(out, identityHit{id: id, line: a.SrcRange.Start.Line})
				}
			}
		}
	}
	if depth < 3 {
		for _, blk := range body.Blocks {
			out = append(out, r.identityRefs(blk.Body, depth+1, profiles, keyUsers)...)
		}
	}
	return out
}

// Instance is one instance of a block created with for_each or count:
// its address (aws_iam_role.bot["summarizer"]) and its key.
type Instance struct {
	Name string
	Key  string
}

// instancesOf names the instances a block creates: the address, or one
// address per for_each key or count index, with that key.
func instancesOf(b *terraform.Block) []Instance {
	switch {
	case len(b.Keys) > 0:
		out := make([]Instance, 0, len(b.Keys))
		for _, k := range b.Keys {
			out = append(out, Instance{fmt.Sprintf("%s[%q]", b.Address(), k), k})
		}
		return out
	case b.Instances > 1 && terraform.Attr(b.Body, "count") != nil:
		out := make([]Instance, 0, b.Instances)
		for i := 0; i < b.Instances; i++ {
			out = append(out, Instance{b.Address() + "[" + strconv.Itoa(i) + "]", strconv.Itoa(i)})
		}
		return out
	}
	return []Instance{{b.Address(), ""}}
}

func exprOf(a *hclsyntax.Attribute) hclsyntax.Expression {
	if a == nil {
		return nil
	}
	return a.Expr
}

// documentFrom reads a policy given as jsonencode(...), a JSON string or
// heredoc, a reference to an aws_iam_policy_document, or file(...) naming a
// JSON file of the tree.
func (r *tfReader) documentFrom(expr hclsyntax.Expression, name string, kind DocKind) *Document {
	file := expr.Range().Filename
	for _, ref := range terraform.References(expr) {
		if d := r.data[ref]; d != nil {
			if kind == Trust {
				d.Kind = Trust
			}
			return d
		}
	}
	if call, ok := expr.(*hclsyntax.FunctionCallExpr); ok {
		switch call.Name {
		case "jsonencode":
			if len(call.Args) != 1 {
				return nil
			}
			n := r.m.Node(call.Args[0])
			d := &Document{Name: name, File: file, Line: expr.Range().Start.Line, Kind: kind, Statements: statementsFromNode(n)}
			r.inv.Docs = append(r.inv.Docs, d)
			return d
		case "file", "templatefile":
			if len(call.Args) == 0 {
				return nil
			}
			p := r.m.Render(call.Args[0])
			p = strings.TrimPrefix(strings.TrimPrefix(p, "${path.module}"), "/")
			rel := path.Clean(path.Join(r.m.Dir, p))
			for _, d := range r.inv.Docs {
				if d.File == rel {
					return d
				}
			}
			return nil
		}
	}
	src := r.m.Render(expr)
	if !strings.Contains(src, "Statement") {
		return nil
	}
	n, err := parseJSON(file, []byte(src))
	if err != nil {
		r.diag = append(r.diag, fmt.Errorf("%s:%d: policy of %s is not valid JSON: %w", file, expr.Range().Start.Line, name, err))
		return nil
	}
	// A heredoc's content starts on the line after its opening marker.
	offset := expr.Range().Start.Line - 1
	if t, ok := expr.(*hclsyntax.TemplateExpr); ok && len(t.Parts) > 0 {
		offset = t.Parts[0].Range().Start.Line - 1
	}
	shiftLines(n, offset, 0)
	d := &Document{Name: name, File: file, Line: expr.Range().Start.Line, Kind: kind, Statements: statementsFromNode(n)}
	r.inv.Docs = append(r.inv.Docs, d)
	return d
}

func shiftLines(n *yaml.Node, by, depth int) {
	if n == nil || depth > maxDepth {
		return
	}
	n.Line += by
	for _, c := range n.Content {
		shiftLines(c, by, depth+1)
	}
}

// values reads a string or list expression as positioned values.
func (r *tfReader) values(expr hclsyntax.Expression) []Value {
	if expr == nil {
		return nil
	}
	if t, ok := expr.(*hclsyntax.TupleConsExpr); ok {
		out := make([]Value, 0, len(t.Exprs))
		for _, e := range t.Exprs {
			for _, s := range r.m.Strings(e) {
				out = append(out, Value{S: s, Line: e.Range().Start.Line})
			}
		}
		return out
	}
	line := expr.Range().Start.Line
	var out []Value
	for _, s := range r.m.Strings(expr) {
		out = append(out, Value{S: s, Line: line})
	}
	return out
}

// policyDocumentData reads a data "aws_iam_policy_document" block.
func (r *tfReader) policyDocumentData(b *terraform.Block) *Document {
	d := &Document{Name: b.Address(), File: b.File, Line: b.Line, Kind: Permissions}
	for _, sb := range terraform.Blocks(b.Body, "statement") {
		s := &Statement{Line: sb.TypeRange.Start.Line, Effect: "Allow"}
		if e, ok := r.m.String(exprOf(terraform.Attr(sb.Body, "effect"))); ok {
			s.Effect = e
		}
		if sid, ok := r.m.String(exprOf(terraform.Attr(sb.Body, "sid"))); ok {
			s.Sid = sid
		}
		s.Actions = r.values(exprOf(terraform.Attr(sb.Body, "actions")))
		s.NotActions = r.values(exprOf(terraform.Attr(sb.Body, "not_actions")))
		s.Resources = r.values(exprOf(terraform.Attr(sb.Body, "resources")))
		s.NotResources = r.values(exprOf(terraform.Attr(sb.Body, "not_resources")))
		for _, typ := range []string{"principals", "not_principals"} {
			for _, pb := range terraform.Blocks(sb.Body, typ) {
				ids := r.values(exprOf(terraform.Attr(pb.Body, "identifiers")))
				if typ == "not_principals" {
					ids = []Value{{S: "*", Line: pb.TypeRange.Start.Line}}
				}
				s.Principals = append(s.Principals, ids...)
			}
		}
		for _, cb := range terraform.Blocks(sb.Body, "condition") {
			if v, ok := r.m.String(exprOf(terraform.Attr(cb.Body, "variable"))); ok {
				s.ConditionKeys = append(s.ConditionKeys, strings.ToLower(v))
			} else {
				s.ConditionKeys = append(s.ConditionKeys, "?")
			}
		}
		d.Statements = append(d.Statements, s)
	}
	for _, s := range d.Statements {
		if len(s.Principals) > 0 {
			d.Kind = classify(d.Statements)
			break
		}
	}
	return d
}
