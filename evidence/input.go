package evidence

// Properties of how code handles untrusted input. A finding of the sinks
// scanner refutes one of them (string-built SQL reaching execute refutes
// NoSQLInjection); a model's input-handling attribute names the same
// property, so that rules can say when code evidence backs a model threat.
// A finding linked to a route should name it in Resource as "METHOD /path",
// so that it attaches to the surface that serves the route.
const (
	NoSQLInjection          Property = "no-sql-injection"
	NoNoSQLInjection        Property = "no-nosql-injection"
	NoCommandInjection      Property = "no-command-injection"
	NoPathTraversal         Property = "no-path-traversal"
	NoXXE                   Property = "no-xxe"
	NoUnsafeDeserialization Property = "no-unsafe-deserialization"
	NoSSRF                  Property = "no-ssrf"
	NoTemplateInjection     Property = "no-template-injection"
	NoLDAPInjection         Property = "no-ldap-injection"
	NoSearchInjection       Property = "no-search-injection"
	NoCodeInjection         Property = "no-code-injection"
	BoundedAllocation       Property = "bounded-allocation"
)

// InputProperties returns the input-handling properties in a stable order.
func InputProperties() []Property {
	return []Property{
		NoSQLInjection, NoNoSQLInjection, NoCommandInjection, NoPathTraversal,
		NoXXE, NoUnsafeDeserialization, NoSSRF, NoTemplateInjection,
		NoLDAPInjection, NoSearchInjection, NoCodeInjection, BoundedAllocation,
	}
}
