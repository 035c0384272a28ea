package evidence

// CodeFlow describes a finding about code that hands input to a dangerous
// call: the call (the sink), where the input comes from when that is known,
// the function the call sits in, and the route that function serves once a
// joiner has matched it. Scanners of other kinds leave it empty; every field
// is omitted from JSON when empty.
type CodeFlow struct {
	// Sink is the dangerous call as written, e.g. "cursor.execute".
	Sink string `json:"sink,omitempty"`
	// Source is the request-derived value that reaches the sink, e.g.
	// "request.args" or "req.query.url"; empty when the input could not be
	// traced to a request.
	Source string `json:"source,omitempty"`
	// Route is "METHOD /path" of the route whose handler holds the sink,
	// several joined with ", " when the handler serves more than one.
	Route string `json:"route,omitempty"`
	// Function names the enclosing function; FunctionLine and FunctionEnd
	// are its first (decorators included) and last lines.
	Function     string `json:"function,omitempty"`
	FunctionLine int    `json:"function_line,omitempty"`
	FunctionEnd  int    `json:"function_end,omitempty"`
	// FunctionHead is the line of the def, func or arrow itself, after any
	// decorators; a route registered between FunctionLine and FunctionHead
	// is the one the function serves. It is only used to join findings to
	// routes and is not part of the JSON.
	FunctionHead int `json:"-"`
}
