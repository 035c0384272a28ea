package rules

import "github.com/threatmap/threatmap"

func parseSev(s string) (threatmap.Severity, error)    { return threatmap.ParseSeverity(s) }
func parseDiff(s string) (threatmap.Difficulty, error) { return threatmap.ParseDifficulty(s) }
