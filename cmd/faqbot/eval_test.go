package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"faqbot/bot"
	"faqbot/bot/bottest/realcore"
)

// evalSets are the labelled sets `faqbot eval` scores in the test suite,
// with the knowledge base each is asked of and the least rate per kind it
// must keep over all its items (train and held-out splits together; the
// held-out figures are in docs/ranking.md). The rates are floors a little
// under what the committed ranker reaches, so a real regression fails; the
// per-item baseline diff shows every single change.
var evalSets = []struct {
	name, set, content string
	min                map[string]float64
}{
	{"dev", "../../testdata/dev.jsonl", bundled, map[string]float64{"answer": 0.85, "none": 0.9, "urgent": 1}},
	{"paraphrase", "../../testdata/paraphrase.jsonl", bundled, map[string]float64{"answer": 0.7, "none": 0.9, "urgent": 1}},
	{"sleep", "../../testdata/kb2-eval.jsonl", "../../testdata/kb2", map[string]float64{"answer": 0.8, "none": 0.75, "urgent": 1}},
	// conversational: 27/55 and 14/15 before the bundled article's
	// alternates overlay (content/alternates.yaml), 37/55 and 13/15 with it:
	// one hard negative ("sore the day after a deep tissue massage") now
	// matches an added wording about deep tissue massage.
	{"conversational", "../../testdata/eval/conversational-massage.jsonl", bundled, map[string]float64{"answer": 0.6, "none": 0.85}},
	{"migraine", "../../testdata/kb3-eval.jsonl", "../../testdata/kb3", map[string]float64{"answer": 0.5, "none": 0.65}},
	{"hearing", "../../testdata/kb4-eval.jsonl", "../../testdata/kb4", map[string]float64{"answer": 0.4, "none": 0.65}},
	{"offtopic", "../../testdata/eval/offtopic.jsonl", bundled, map[string]float64{"none": 0.9}},
	// blind-massage: written on 2026-12-04 by a helper that read only the
	// article (testdata/eval/README.md), never trained on. Measured 46/70
	// answer and 24/30 none with the alternates overlay (39/70 and 26/30
	// without it).
	{"blind-massage", "../../testdata/eval/blind-massage.jsonl", bundled, map[string]float64{"answer": 0.6, "none": 0.75}},
	// Never trained on (not in testdata/training.yaml): an honest second
	// knowledge base. Measured 32/58 answer, 21/22 none (2026-12-02, with
	// the word-vector features; 30/58, 20/22 before).
	{"eczema", "../../testdata/kb5-eval.jsonl", "../../testdata/kb5", map[string]float64{"answer": 0.45, "none": 0.85}},
	// Never trained on either: phone-typed questions written blind to the
	// word lists (testdata/eval/README.md). Measured with the word-vector
	// features: massage 10/16 answer 5/5 none, sleep 4/16 4/5, migraine
	// 2/16 5/5, hearing 9/17 4/5 (before them: 10/16 5/5, 6/16 3/5, 4/16
	// 5/5, 9/17 5/5; docs/ranking.md has what the change did overall).
	{"phone-massage", "../../testdata/eval/phone-massage.jsonl", bundled, map[string]float64{"answer": 0.55, "none": 0.8}},
	{"phone-sleep", "../../testdata/eval/phone-sleep.jsonl", "../../testdata/kb2", map[string]float64{"answer": 0.2, "none": 0.5}},
	{"phone-migraine", "../../testdata/eval/phone-migraine.jsonl", "../../testdata/kb3", map[string]float64{"answer": 0.1, "none": 0.8}},
	{"phone-hearing", "../../testdata/eval/phone-hearing.jsonl", "../../testdata/kb4", map[string]float64{"answer": 0.45, "none": 0.8}},
	// Never trained on: the eighth round's knowledge bases, written blind
	// to the ranker (testdata/eval/README.md). Measured with the lay-name
	// thesaurus lines and the ranker retrained on them: vaccines 34/65
	// answer 21/25 none, heel pain 28/65 21/25 (before: 26/65 22/25,
	// 24/65 21/25).
	// diabetes (kb6), the same kind of set, measured 24/65 and 22/25.
	{"diabetes", "../../testdata/kb6-eval.jsonl", "../../testdata/kb6", map[string]float64{"answer": 0.3, "none": 0.75}},
	{"vaccines", "../../testdata/kb7-eval.jsonl", "../../testdata/kb7", map[string]float64{"answer": 0.45, "none": 0.75}},
	{"heel-pain", "../../testdata/kb8-eval.jsonl", "../../testdata/kb8", map[string]float64{"answer": 0.35, "none": 0.75}},
	// asthma (kb9, YAML FAQ), written blind at the end of the eleventh
	// safety round and frozen; never trained on. Measured at 3f4b7c6:
	// 32/65 answer, 20/25 none (held out 8/26, 8/10).
	{"asthma", "../../testdata/kb9-eval.jsonl", "../../testdata/kb9", map[string]float64{"answer": 0.45, "none": 0.75}},
	// blood pressure (kb10, Markdown leaflet), written and frozen the same
	// way; never trained on. Measured at 5c6b37a: 33/65 answer, 18/25
	// none (held out 11/26, 6/10).
	{"blood-pressure", "../../testdata/kb10-eval.jsonl", "../../testdata/kb10", map[string]float64{"answer": 0.45, "none": 0.65}},
}

var changesLine = regexp.MustCompile(`(?m)^(\d+) changes against`)

var rateLine = regexp.MustCompile(`(?m)^(answer|none|urgent)\s+(\d+)/(\d+)`)

// TestEvalSets runs `faqbot eval` on every set, asserts its rates and lists
// each item whose outcome differs from the committed baseline
// (testdata/baselines/NAME.txt; FAQBOT_WRITE_BASELINES=1 rewrites them).
func TestEvalSets(t *testing.T) {
	for _, s := range evalSets {
		t.Run(s.name, func(t *testing.T) {
			base := filepath.Join("../../testdata/baselines", s.name+".txt")
			args := []string{"eval", "-misses=false", "-content", s.content}
			if os.Getenv("FAQBOT_WRITE_BASELINES") != "" {
				args = append(args, "-write-baseline", base)
			} else {
				args = append(args, "-baseline", base)
			}
			out, stderr, err := run(t, "", nil, append(args, s.set)...)
			if err != nil {
				t.Fatalf("faqbot eval: %v\n%s", err, stderr)
			}
			if m := changesLine.FindStringSubmatch(out); m != nil && m[1] != "0" {
				t.Logf("%s items changed against %s:\n%s", m[1], base, out[strings.Index(out, m[0]):])
			} else if m != nil {
				t.Logf("%s %s", m[0], base) // "0 changes against …", for the record in -v output
			}
			for _, m := range rateLine.FindAllStringSubmatch(out, -1) {
				got, _ := strconv.Atoi(m[2])
				n, _ := strconv.Atoi(m[3])
				if want, ok := s.min[m[1]]; ok && float64(got) < want*float64(n) {
					t.Errorf("%s: %s %d/%d, want at least %.0f%%", s.name, m[1], got, n, 100*want)
				}
			}
			if !rateLine.MatchString(out) {
				t.Fatalf("no rates in faqbot eval output:\n%s", out)
			}
		})
	}
}

// TestEvalCOVIDQ scores the COVID-Q development split when ../shared has it
// (its licence keeps it out of the repository).
func TestEvalCOVIDQ(t *testing.T) {
	dir := "../../../shared/eval/covid-q-dev"
	if _, err := os.Stat(filepath.Join(dir, "questions.dev.jsonl")); err != nil {
		t.Skip("COVID-Q development split not present")
	}
	out, stderr, err := run(t, "", nil, "eval", "-misses=false", "-content", filepath.Join(dir, "kb"), filepath.Join(dir, "questions.dev.jsonl"))
	if err != nil {
		t.Fatalf("faqbot eval: %v\n%s", err, stderr)
	}
	for _, m := range rateLine.FindAllStringSubmatch(out, -1) {
		got, _ := strconv.Atoi(m[2])
		n, _ := strconv.Atoi(m[3])
		min := map[string]float64{"answer": 0.25, "none": 0.6}[m[1]]
		if float64(got) < min*float64(n) {
			t.Errorf("COVID-Q dev: %s %d/%d, want at least %.0f%%", m[1], got, n, 100*min)
		}
	}
}

// TestEvalBadSets: broken or empty sets are clear errors naming the file
// and line, never a panic or an empty report.
func TestEvalBadSets(t *testing.T) {
	dir := t.TempDir()
	for name, c := range map[string]struct{ body, want string }{
		"notjson.jsonl":  {"not json\n", "notjson.jsonl:1"},
		"noexpect.jsonl": {`{"id":"x","kind":"answer","q":"hi"}` + "\n", "needs expect or gold_ids"},
		"badkind.jsonl":  {`{"id":"x","kind":"maybe","q":"hi"}` + "\n", `kind "maybe"`},
		"empty.jsonl":    {"", "has no questions"},
	} {
		p := filepath.Join(dir, name)
		writeFile(t, p, c.body)
		_, _, err := run(t, "", nil, "eval", "-content", bundled, p)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error containing %q", name, err, c.want)
		}
	}
}

// TestTrainWritesUsableWeights: faqbot train on a small manifest prints
// held-out figures and writes weights that content.ranker then loads.
func TestTrainWritesUsableWeights(t *testing.T) {
	dir := t.TempDir()
	abs := func(p string) string {
		a, err := filepath.Abs(p)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	man := filepath.Join(dir, "m.yaml")
	writeFile(t, man, "sets:\n  - name: sleep\n    content: ["+abs("../../testdata/kb2")+"]\n    questions: "+abs("../../testdata/kb2-eval.jsonl")+"\n"+
		"  - name: offtopic\n    content: ["+abs("../../testdata/kb2")+"]\n    questions: "+abs("../../testdata/eval/offtopic.jsonl")+"\n")
	out := filepath.Join(dir, "r.json")
	stdout, stderr, err := run(t, "", nil, "train", "-manifest", man, "-out", out, "-folds", "3")
	if err != nil {
		t.Fatalf("train: %v\n%s", err, stderr)
	}
	for _, want := range []string{"held-out folds", "min_confidence", "calibration", "wrote " + out} {
		if !strings.Contains(stdout, want) {
			t.Errorf("train output lacks %q:\n%s", want, stdout)
		}
	}
	cfg := filepath.Join(dir, "config.yaml")
	writeFile(t, cfg, "content:\n  ranker: r.json\n")
	if _, stderr, err := run(t, "", nil, "ask", "-config", cfg, "-content", "../../testdata/kb2", "what is insomnia"); err != nil {
		t.Fatalf("ask with the trained ranker: %v\n%s", err, stderr)
	}
	writeFile(t, out, `{"features":["nope"]}`)
	if _, _, err := run(t, "", nil, "ask", "-config", cfg, "-content", "../../testdata/kb2", "what is insomnia"); err == nil || !strings.Contains(err.Error(), "retrain") {
		t.Errorf("a weights file of other features: got %v, want an error saying to retrain", err)
	}
}

// TestIssueQuestions: the three questions that opened the answer-quality
// issue, as a new user typed them, are answered from the right part of
// the bundled article (the chronic one with "more than three months"), or
// for the first one a "did you mean" that offers the right part first:
// with the bundled article's alternates overlay it scores 0.29 (0.50
// without), as an added wording, "does massage help lower back pain?", now
// draws part of its BM25 to the conclusion; the overlay answers 10 more of
// the 126 answerable massage questions of the project's sets.
func TestIssueQuestions(t *testing.T) {
	b := realcore.New(t, "../../content")
	for _, c := range []struct {
		q            string
		want         []string // an answer holding one of these
		clarifyFirst bool     // or a clarify whose first offer is the entry of want[0]
	}{
		{"my lower back has been killing me for weeks, would a massage help?", []string{"massage therapy offers several benefits for lower back pain"}, true},
		{"How long does back pain have to last to be called chronic?", []string{"more than three months"}, false},
		// What a therapist does, or where to find a licensed one.
		{"what does a massage therapist do", []string{"a massage therapist uses various techniques", "licensed massage therapist"}, false},
	} {
		r, err := b.Answer(context.Background(), bot.Question{Text: c.q, Platform: "test"})
		if err != nil {
			t.Fatal(err)
		}
		if r.Kind == bot.KindAnswer && slices.ContainsFunc(c.want, func(w string) bool { return strings.Contains(strings.ToLower(r.Text), w) }) {
			continue
		}
		if c.clarifyFirst && r.Kind == bot.KindClarify && len(r.DidYouMean) > 0 {
			first, err := b.Answer(context.Background(), bot.Question{Intent: bot.IntentEntry, EntryID: r.DidYouMean[0].ID, Platform: "test"})
			if err == nil && strings.Contains(strings.ToLower(first.Text), c.want[0]) {
				continue
			}
		}
		t.Errorf("%q: %s %q (%s), want an answer with one of %q", c.q, r.Kind, r.Text, r.Source.Title, c.want)
	}
}

// TestEvalFlagsAfterTheSet: flags after the set's file work as before it.
func TestEvalFlagsAfterTheSet(t *testing.T) {
	var out bytes.Buffer
	m := &Main{Args: []string{"eval", "-content", "../../testdata/kb5", "../../testdata/kb5-eval.jsonl", "-misses=false", "-split", "heldout"},
		Stdin: strings.NewReader(""), Stdout: &out, Stderr: io.Discard, Getenv: func(string) string { return "" }}
	if err := m.Run(context.Background()); err != nil {
		t.Fatalf("eval with flags after the set: %v", err)
	}
	if s := out.String(); strings.Contains(s, "MISS") || !strings.Contains(s, "/23") {
		t.Errorf("output %q: want the held-out rates without misses", s)
	}
}

// TestTrainSafety: `faqbot train-safety` writes a model the triage reads,
// and, with every training set at hand (the optional ones come from
// ../shared), the very model that is bundled: its weights are data made by
// the command, not edited by hand.
func TestTrainSafety(t *testing.T) {
	out := filepath.Join(t.TempDir(), "m.json")
	stdout, stderr, err := run(t, "", nil, "train-safety", "-redteam", "../../testdata/redteam", "-corpus", "../../testdata/safety-train", "-manifest", "../../testdata/training.yaml", "-out", out)
	if err != nil {
		t.Fatalf("train-safety: %v\n%s", err, stderr)
	}
	for _, want := range []string{"held-out folds", "threshold", "false alarms", "wrote " + out} {
		if !strings.Contains(stdout, want) {
			t.Errorf("train-safety output lacks %q:\n%s", want, stdout)
		}
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	got, err := bot.ParseSafetyModel(data)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(stderr+stdout, "skipping") {
		return
	}
	for _, p := range []string{"../../../shared/eval/dev.jsonl", "../../../shared/eval/covid-q-dev/questions.dev.jsonl"} {
		if _, err := os.Stat(p); err != nil {
			t.Logf("%s absent: the bundled model is not compared", p)
			return
		}
	}
	bundled, err := os.ReadFile("../../bot/data/safety_model.json")
	if err != nil {
		t.Fatal(err)
	}
	want, err := bot.ParseSafetyModel(bundled)
	if err != nil {
		t.Fatal(err)
	}
	if got.Threshold != want.Threshold {
		t.Errorf("threshold %v, bundled %v: retrain with `faqbot train-safety`", got.Threshold, want.Threshold)
	}
	if !slices.Equal(got.Stems, want.Stems) {
		t.Errorf("%d stems, bundled %d: retrain with `faqbot train-safety`", len(got.Stems), len(want.Stems))
	}
	if len(got.Urgent) != len(want.Urgent) {
		t.Fatalf("%d weights, bundled %d: retrain with `faqbot train-safety`", len(got.Urgent), len(want.Urgent))
	}
	for k := range want.Urgent {
		if math.Abs(got.Urgent[k]-want.Urgent[k]) > 1e-9 || math.Abs(got.Crisis[k]-want.Crisis[k]) > 1e-9 {
			t.Fatalf("weight %d differs from the bundled model's: retrain with `faqbot train-safety`", k)
		}
	}
}

// TestSafetyModelConfig: with the built-in rules the safety model gives
// the urgent reply to a message no rule catches; safety.model: false
// leaves the rules alone.
func TestSafetyModelConfig(t *testing.T) {
	// A message only the model catches (the rules miss where the pain
	// moved to); when a rule learns it, pick another.
	const q = "pain started round my belly button and now its sharp low on the right, worse when I cough, fever and vomiting"
	dir := t.TempDir()
	kind := func(cfgText string) string {
		cfg := filepath.Join(dir, "config.yaml")
		writeFile(t, cfg, cfgText+"log:\n  level: error\n")
		out, stderr, err := run(t, "", nil, "ask", "--json", "-config", cfg, "-content", bundled, q)
		if err != nil {
			t.Fatalf("ask: %v\n%s", err, stderr)
		}
		var r struct{ Kind string }
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		return r.Kind
	}
	if k := kind(""); k != "urgent" {
		t.Errorf("default: %s, want urgent (the safety model)", k)
	}
	if k := kind("safety:\n  model: false\n"); k == "urgent" {
		t.Errorf("safety.model false: %s, want the rules alone", k)
	}
}
