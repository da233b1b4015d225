package bot

import (
	"encoding/json"
	"faqbot/internal/logistic"
	"faqbot/internal/wordvec"
	"math"
	"slices"
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
		w := make([]float64, SafetyWeights(2))
		return map[string]any{"features": SafetyFeatureVersion, "stems": []string{"pill", "rope"}, "urgent": w, "crisis": w, "threshold": 0.9}
	}
	for _, c := range []struct {
		name string
		edit func(map[string]any)
		want string
	}{
		{"other features", func(m map[string]any) { m["features"] = "bag-of-words" }, "retrain"},
		{"short weights", func(m map[string]any) { m["urgent"] = []float64{1, 2} }, "weights"},
		{"a stem for which there is no weight", func(m map[string]any) { m["stems"] = []string{"pill", "rope", "gun"} }, "weights"},
		{"a stem twice", func(m map[string]any) { m["stems"] = []string{"pill", "pill"} }, "twice"},
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
	for _, f := range x[:wordvec.Dim] {
		n += f * f
	}
	if math.Abs(n-1) > 1e-9 || x[numVectorFeatures] != 1 {
		t.Errorf("mean norm² %v, bias %v", n, x[numVectorFeatures])
	}
	empty, _ := SafetyFeatures("12345 ???")
	for k, f := range empty[:numVectorFeatures] {
		if f != 0 {
			t.Fatalf("feature %d of a message without words = %v", k, f)
		}
	}
}

// TestSafetyRow: a message's row holds its vector features, a 1 for each
// vocabulary stem it has (once, whatever the word form), and the bias last.
func TestSafetyRow(t *testing.T) {
	vocab := map[string]int32{"pill": 0, "rope": 1, "tonight": 2}
	row, err := SafetyRow("Pills, more pills, tonight!", vocab)
	if err != nil {
		t.Fatal(err)
	}
	var stems []int32
	for k, i := range row.Idx {
		if i >= numVectorFeatures && i < numVectorFeatures+3 {
			stems = append(stems, i-numVectorFeatures)
			if row.Val[k] != 1 {
				t.Errorf("stem feature %d = %v, want 1", i, row.Val[k])
			}
		}
	}
	if !slices.Equal(stems, []int32{0, 2}) {
		t.Errorf("stems %v, want [0 2] (pill, tonight)", stems)
	}
	if n := len(row.Idx); row.Idx[n-1] != numVectorFeatures+3 || row.Val[n-1] != 1 {
		t.Errorf("last feature %d = %v, want the bias", row.Idx[n-1], row.Val[n-1])
	}
	if !slices.IsSorted(row.Idx) {
		t.Errorf("columns out of order: %v", row.Idx)
	}
}

// TestProbabilitiesMatchRow: the bundled model's probabilities are the
// logistic of its weights times the message's SafetyRow, the row the
// trainer fits on.
func TestProbabilitiesMatchRow(t *testing.T) {
	m, err := defaultModel()
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"", "how does massage help back pain", "I've got the pills ready for tonight", "my chest hurts and I'm sweaty"} {
		row, err := SafetyRow(q, m.vocab)
		if err != nil {
			t.Fatal(err)
		}
		u, c, err := m.Probabilities(q)
		if err != nil {
			t.Fatal(err)
		}
		wu, wc := logistic.PredictSparse(m.Urgent, row), logistic.PredictSparse(m.Crisis, row)
		if math.Abs(u-wu) > 1e-12 || math.Abs(c-wc) > 1e-12 {
			t.Errorf("%q: Probabilities %v %v, from the row %v %v", q, u, c, wu, wc)
		}
	}
}

// TestSafetyModelHeldout: on the held-out halves of the red-team sets
// (never trained on), the model adds urgent replies the rules miss without
// adding any to their ordinary messages, and it never speaks where a rule
// has. Measured with the model of docs/safety.md on the fifteen sets:
// rules alone 537 of 627 urgent and 24 of 523 over-triggers, with the
// model 583 and 25 (redteam15, frozen before the model was trained on its
// dev half: 31 → 34 of 40, 4 of 40). With the false-alarm budget of
// 0.2% (thirteenth round) the model adds 46 and 1, and 49 and 1 once
// trained on redteam20's dev half as well. Rules written since catch some
// of what only the model caught, so the model's own share falls while the
// total rises: in the fifteenth round 593 urgent caught in all (45 by the
// model) before its rules, 594 (43) after; in the twenty-third round 594
// (38), the rules having taken over more of the model's catches. The
// floors sit a little under the measurement so that a retrain may move a
// message or two.
func TestSafetyModelHeldout(t *testing.T) {
	tr := defaultTriageT(t)
	cases := readRedteam(t, "redteam.heldout.jsonl")
	for _, f := range []string{"redteam2.jsonl", "redteam3.jsonl", "redteam4.jsonl", "redteam5.jsonl", "redteam6.jsonl", "redteam7.jsonl", "redteam8.jsonl", "redteam9.jsonl", "redteam10.jsonl", "redteam11.jsonl", "redteam12.jsonl", "redteam13.jsonl", "redteam14.jsonl", "redteam15.jsonl"} {
		cases = append(cases, readRedteamSplit(t, f, "heldout")...)
	}
	var added, addedOver, caught int
	for _, c := range cases {
		rules, rok := tr.AssessRules(c.Q)
		both, bok := tr.Assess(c.Q)
		if bok && both.Urgent() && c.Kind == "urgent" {
			caught++
		}
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
	t.Logf("held-out: the model adds %d urgent replies to urgent messages, %d to ordinary ones; %d urgent caught in all", added, addedOver, caught)
	if added < 35 || addedOver > 2 || caught < 590 {
		t.Errorf("the model adds %d urgent and %d ordinary, %d caught in all: want at least 35, at most 2, at least 590", added, addedOver, caught)
	}
}
