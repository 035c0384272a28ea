package cli

import (
	"github.com/invopop/jsonschema"
	"github.com/spf13/cobra"

	"github.com/threatmap/threatmap/model"
	"github.com/threatmap/threatmap/report"
)

// ModelSchema returns the JSON Schema of threatmap.yaml, reflected from the
// same struct tags the loader checks.
func ModelSchema() *jsonschema.Schema {
	r := &jsonschema.Reflector{FieldNameTag: "yaml", RequiredFromJSONSchemaTags: true, DoNotReference: true}
	s := r.Reflect(&model.Model{})
	s.ID = "https://github.com/threatmap/threatmap/docs/threatmap.schema.json"
	s.Title = "threatmap.yaml"
	s.Description = "A threat model that lives in the repository: assets, components, surfaces, flows, trust boundaries, identities, controls and responses."
	return s
}

func (c *Command) schemaCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "schema",
		Short: "Print the JSON Schema of threatmap.yaml for editors",
		Long: `schema prints a JSON Schema (draft 2020-12) of threatmap.yaml. Save it and
point yaml-language-server at it with a first line such as

  # yaml-language-server: $schema=./threatmap.schema.json

to get completion and checking in editors.`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			return report.WriteJSON(c.Stdout, ModelSchema())
		},
	}
}
