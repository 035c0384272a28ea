package threatmap

import (
	"encoding/json"
	"testing"
)

func TestPositionString(t *testing.T) {
	tests := []struct {
		pos  Position
		want string
	}{
		{Position{}, ""},
		{Position{File: "a.yaml"}, "a.yaml"},
		{Position{File: "a.yaml", Line: 3}, "a.yaml:3"},
		{Position{File: "a.yaml", Line: 3, Column: 7}, "a.yaml:3:7"},
	}
	for _, tt := range tests {
		if got := tt.pos.String(); got != tt.want {
			t.Errorf("%#v.String() = %q, want %q", tt.pos, got, tt.want)
		}
	}
}

func TestSeverityJSONRoundTrip(t *testing.T) {
	for s := Info; s <= Critical; s++ {
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		var back Severity
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("unmarshal %s: %v", b, err)
		}
		if back != s {
			t.Errorf("round trip of %v gave %v", s, back)
		}
	}
	var s Severity
	if err := json.Unmarshal([]byte(`"severe"`), &s); err == nil {
		t.Error("unknown severity name accepted")
	}
}

func TestParseDifficulty(t *testing.T) {
	tests := []struct {
		in      string
		want    Difficulty
		wantErr bool
	}{
		{"low", DifficultyLow, false},
		{" Medium ", DifficultyMedium, false},
		{"HIGH", DifficultyHigh, false},
		{"trivial", DifficultyLow, true},
	}
	for _, tt := range tests {
		got, err := ParseDifficulty(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseDifficulty(%q) = %v, %v; want %v, err %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestParseStride(t *testing.T) {
	for _, c := range StrideCategories {
		for _, in := range []string{string(c), c.Letter()} {
			got, err := ParseStride(in)
			if err != nil || got != c {
				t.Errorf("ParseStride(%q) = %v, %v; want %v", in, got, err, c)
			}
		}
	}
	if _, err := ParseStride("X"); err == nil {
		t.Error("ParseStride accepted X")
	}
}
