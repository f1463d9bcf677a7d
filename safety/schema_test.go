package safety

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/mobagent/mobagent/format"
)

// The run formats list every risk category and severity the gate can
// record, so no run is written that its own schema rejects.
func TestSchemaKnowsEveryCategory(t *testing.T) {
	b, err := format.Schema("defs")
	if err != nil {
		t.Fatal(err)
	}
	var defs struct {
		Defs map[string]struct {
			Properties map[string]struct {
				Enum []string `json:"enum"`
			} `json:"properties"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(b, &defs); err != nil {
		t.Fatal(err)
	}
	risk := defs.Defs["risk"].Properties
	for _, c := range Categories {
		if !slices.Contains(risk["category"].Enum, string(c)) {
			t.Errorf("format/schemas/defs.json: risk category %q is not in the enum %q", c, risk["category"].Enum)
		}
	}
	if len(risk["category"].Enum) != len(Categories) {
		t.Errorf("the schema lists %d categories, safety has %d", len(risk["category"].Enum), len(Categories))
	}
	for _, s := range []Severity{SeverityNone, SeverityLow, SeverityMedium, SeverityHigh, SeverityCritical} {
		if !slices.Contains(risk["severity"].Enum, s.String()) {
			t.Errorf("severity %q is not in the schema's enum %q", s, risk["severity"].Enum)
		}
	}
}
