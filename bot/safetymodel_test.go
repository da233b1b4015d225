package bot

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

// TestSafetyModelFile: the bundled model parses, says where it came from,
// and goes with the bundled rules only.
func TestSafetyModelFile(t *testing.T) {
	m, err := defaultModel()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(m.Origin, "faqbot train-safety") || m.Threshold <= 0.5 || m.Threshold > 1 {
		t.Errorf("origin %q, threshold %v", m.Origin, m.Threshold)
	}
	if tr := defaultTriageT(t); tr.model != m {
		t.Error("the bundled rules do not use the bundled model")
	}
	custom, err := ParseTriage("custom", []byte(customRules))
	if err != nil {
		t.Fatal(err)
	}
	if custom.model != nil {
		t.Error("an operator's rules file got the bundled model, whose threshold was chosen with the bundled rules")
	}
}

// TestParseSafetyModelErrors: a broken model file is an error naming what
// is wrong.
func TestParseSafetyModelErrors(t *testing.T) {
	good := func() map[string]any {
		w := make([]float64, numSafetyFeatures)
		return map[string]any{"features": SafetyFeatureVersion, "urgent": w, "crisis": w, "threshold": 0.9}
	}
	for _, c := range []struct {
		name string
		edit func(map[string]any)
		want string
	}{
		{"other features", func(m map[string]any) { m["features"] = "bag-of-words" }, "retrain"},
		{"short weights", func(m map[string]any) { m["urgent"] = []float64{1, 2} }, "weights"},
		{"threshold 0", func(m map[string]any) { m["threshold"] = 0 }, "threshold"},
		{"threshold over 1", func(m map[string]any) { m["threshold"] = 1.5 }, "threshold"},
	} {
		m := good()
		c.edit(m)
		data, _ := json.Marshal(m)
		if _, err := ParseSafetyModel(data); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error with %q", c.name, err, c.want)
		}
	}
	if _, err := ParseSafetyModel([]byte("{")); err == nil {
		t.Error("truncated JSON: no error")
	}
	data, _ := json.Marshal(good())
	if _, err := ParseSafetyModel(data); err != nil {
		t.Errorf("a good file: %v", err)
	}
}

// TestSafetyFeatures: the mean is a unit vector, the last feature the
// bias, and a message without a known word has only the bias.
func TestSafetyFeatures(t *testing.T) {
	x, err := SafetyFeatures("I can't breathe properly")
	if err != nil {
		t.Fatal(err)
	}
	var n float64
	for _, f := range x[:numSafetyFeatures/2] {
		n += f * f
	}
	if math.Abs(n-1) > 1e-9 || x[numSafetyFeatures-1] != 1 {
		t.Errorf("mean norm² %v, bias %v", n, x[numSafetyFeatures-1])
	}
	empty, _ := SafetyFeatures("12345 ???")
	for k, f := range empty[:numSafetyFeatures-1] {
		if f != 0 {
			t.Fatalf("feature %d of a message without words = %v", k, f)
		}
	}
}

// TestSafetyModelHeldout: on the held-out halves of the red-team sets
// (never trained on), the model adds urgent replies the rules miss without
// adding any to their ordinary messages, and it never speaks where a rule
// has (measured: 308 → 314 of 353 urgent, over-triggers 10 → 10 of 257).
func TestSafetyModelHeldout(t *testing.T) {
	tr := defaultTriageT(t)
	cases := readRedteam(t, "redteam.heldout.jsonl")
	for _, f := range []string{"redteam2.jsonl", "redteam3.jsonl", "redteam4.jsonl", "redteam5.jsonl", "redteam6.jsonl", "redteam7.jsonl"} {
		cases = append(cases, readRedteamSplit(t, f, "heldout")...)
	}
	var added, addedOver int
	for _, c := range cases {
		rules, rok := tr.AssessRules(c.Q)
		both, bok := tr.Assess(c.Q)
		if rok && (!bok || both != rules) {
			t.Errorf("%s: the model changed a rule's verdict: %+v -> %+v", c.ID, rules, both)
		}
		if !rok && bok && both.Urgent() {
			if both.RuleID != modelRuleID || !referral.MatchString(both.Reply) {
				t.Errorf("%s: model alert %+v", c.ID, both)
			}
			if c.Kind == "urgent" {
				added++
			} else {
				addedOver++
				t.Logf("%s: the model's urgent reply to an ordinary message: %q", c.ID, c.Q)
			}
		}
	}
	t.Logf("held-out: the model adds %d urgent replies to urgent messages, %d to ordinary ones", added, addedOver)
	if added < 4 || addedOver > 1 {
		t.Errorf("the model adds %d urgent and %d ordinary: want at least 4 and at most 1", added, addedOver)
	}
}
