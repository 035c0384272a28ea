// Package threatmap holds the domain vocabulary shared by every stage of the
// pipeline: where a thing is (Position), how bad a finding is (Severity), how
// hard an attack is (Difficulty) and which STRIDE category a threat falls in.
//
// The stages themselves live in sub-packages and meet only through these
// types: model (what are we working on?), rules (what can go wrong?),
// assess (what are we going to do about it, and did we do a good job?) and
// report (the one page).
package threatmap

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Position locates a thing in a file. Line and Column are 1-based; zero
// means unknown.
type Position struct {
	File   string `json:"file,omitempty"`
	Line   int    `json:"line,omitempty"`
	Column int    `json:"column,omitempty"`
}

// String formats the position as file:line:col, dropping unknown parts.
func (p Position) String() string {
	switch {
	case p.File == "":
		return ""
	case p.Line == 0:
		return p.File
	case p.Column == 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	default:
		return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Column)
	}
}

// IsZero reports whether the position carries no information.
func (p Position) IsZero() bool { return p.File == "" && p.Line == 0 }

// Severity ranks findings and threat impact. The zero value is Info.
type Severity int

// Severities from least to most serious.
const (
	Info Severity = iota
	Low
	Medium
	High
	Critical
)

var severityNames = [...]string{"info", "low", "medium", "high", "critical"}

// String returns the lower-case name of the severity.
func (s Severity) String() string {
	if s < Info || s > Critical {
		return fmt.Sprintf("severity(%d)", int(s))
	}
	return severityNames[s]
}

// ParseSeverity reads a severity name, case-insensitively.
func ParseSeverity(name string) (Severity, error) {
	for i, n := range severityNames {
		if strings.EqualFold(n, strings.TrimSpace(name)) {
			return Severity(i), nil
		}
	}
	return Info, fmt.Errorf("unknown severity %q (want one of %s)", name, strings.Join(severityNames[:], ", "))
}

// MarshalJSON writes the severity as its name.
func (s Severity) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

// UnmarshalJSON reads a severity name.
func (s *Severity) UnmarshalJSON(b []byte) error {
	var name string
	if err := json.Unmarshal(b, &name); err != nil {
		return err
	}
	v, err := ParseSeverity(name)
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Difficulty is how much an attacker needs to exploit a threat: Low means a
// zero-knowledge attacker with a script finds and abuses it in minutes.
type Difficulty int

// Difficulties from easiest (most urgent) to hardest.
const (
	DifficultyLow Difficulty = iota
	DifficultyMedium
	DifficultyHigh
)

var difficultyNames = [...]string{"low", "medium", "high"}

// String returns the lower-case name of the difficulty.
func (d Difficulty) String() string {
	if d < DifficultyLow || d > DifficultyHigh {
		return fmt.Sprintf("difficulty(%d)", int(d))
	}
	return difficultyNames[d]
}

// ParseDifficulty reads a difficulty name.
func ParseDifficulty(name string) (Difficulty, error) {
	for i, n := range difficultyNames {
		if strings.EqualFold(n, strings.TrimSpace(name)) {
			return Difficulty(i), nil
		}
	}
	return DifficultyLow, fmt.Errorf("unknown difficulty %q (want low, medium or high)", name)
}

// MarshalJSON writes the difficulty as its name.
func (d Difficulty) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON reads a difficulty name.
func (d *Difficulty) UnmarshalJSON(b []byte) error {
	var name string
	if err := json.Unmarshal(b, &name); err != nil {
		return err
	}
	v, err := ParseDifficulty(name)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Stride is one of the six STRIDE threat categories.
type Stride string

// The six STRIDE categories.
const (
	Spoofing              Stride = "spoofing"
	Tampering             Stride = "tampering"
	Repudiation           Stride = "repudiation"
	InformationDisclosure Stride = "information-disclosure"
	DenialOfService       Stride = "denial-of-service"
	ElevationOfPrivilege  Stride = "elevation-of-privilege"
)

// StrideCategories lists the categories in their conventional order.
var StrideCategories = []Stride{Spoofing, Tampering, Repudiation, InformationDisclosure, DenialOfService, ElevationOfPrivilege}

// Letter returns the category's initial, as used in a STRIDE matrix.
func (s Stride) Letter() string {
	switch s {
	case Spoofing:
		return "S"
	case Tampering:
		return "T"
	case Repudiation:
		return "R"
	case InformationDisclosure:
		return "I"
	case DenialOfService:
		return "D"
	case ElevationOfPrivilege:
		return "E"
	}
	return "?"
}

// ParseStride reads a category from its name or its initial.
func ParseStride(s string) (Stride, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	for _, c := range StrideCategories {
		if t == string(c) || t == strings.ToLower(c.Letter()) {
			return c, nil
		}
	}
	return "", fmt.Errorf("unknown STRIDE category %q", s)
}
