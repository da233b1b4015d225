package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"faqbot/bot"
	"faqbot/internal/logistic"
)

// safetyMessage is one training message of the safety model.
type safetyMessage struct {
	set, id, q string
	urgent     bool
	// redteam marks the red-team sets' ordinary messages (hard negatives)
	// apart from the ordinary questions of the answer sets.
	redteam bool
	// rulesKind is the kind of the rule that fires ("" when none does):
	// what it is about, whoever it happens to ("my dad is clutching his
	// chest" gets the someone_else tier, but it is a red flag).
	rulesKind bot.SafetyKind
	// reply, for an urgent message of the training corpus, is the reply it
	// needs ("crisis" or "medical"), used when no rule names the tier.
	reply string
	x     logistic.Sparse
}

// trainSafety fits the triage's safety model (bot/safetymodel.go).
func (m *Main) trainSafety(_ context.Context, args []string) error {
	var c common
	fl := m.flags("train-safety", &c)
	redteam := fl.String("redteam", "testdata/redteam", "the red-team sets (their dev halves are used; redteam.heldout.jsonl never)")
	corpus := fl.String("corpus", "testdata/safety-train", "a folder of training messages (*.jsonl, all used; \"\" for none)")
	manifest := fl.String("manifest", "testdata/training.yaml", "the answer sets whose questions are the ordinary messages")
	out := fl.String("out", "bot/data/safety_model.json", "where to write the model")
	folds := fl.Int("folds", 5, "cross-validation folds")
	falseAlarm := fl.Float64("false-alarm", 0.002, "the largest share of ordinary messages the model may add the urgent reply to, on held-out folds")
	l2 := fl.Float64("l2", 1e-3, "ridge penalty on the weights")
	minStem := fl.Int("min-stem", 5, "a word stem is a feature when at least this many training messages have it")
	if err := parseFlags(fl, args); err != nil {
		return err
	}
	msgs, used, err := m.safetyMessages(*redteam, *corpus, *manifest)
	if err != nil {
		return err
	}
	stems, err := safetyRows(msgs, *minStem)
	if err != nil {
		return err
	}
	model, rep, err := fitSafety(msgs, stems, *folds, *falseAlarm, *l2)
	if err != nil {
		return err
	}
	model.Origin = fmt.Sprintf("faqbot train-safety -folds %d -false-alarm %g -l2 %g -min-stem %d on %s; %s",
		*folds, *falseAlarm, *l2, *minStem, strings.Join(used, ", "), time.Now().UTC().Format("2006-01-02"))
	if model.CV, err = json.Marshal(rep); err != nil {
		return err
	}
	data, err := json.MarshalIndent(model, "", " ")
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "%d messages (%d urgent), %d-fold cross-validation (held-out folds only):\n", rep.Messages, rep.Urgent, *folds)
	fmt.Fprintf(m.Stdout, "  threshold %.3f: false alarms %d/%d ordinary messages the rules leave alone (%d/%d of the red-team ones)\n",
		model.Threshold, rep.FalseAlarms, rep.Ordinary, rep.RedteamFalseAlarms, rep.RedteamOrdinary)
	fmt.Fprintf(m.Stdout, "  urgent messages the rules miss, caught by the model: %d/%d; crisis-or-medical reply right on %d/%d the rules catch\n",
		rep.CaughtMissed, rep.RulesMissed, rep.CrisisRight, rep.RulesCaught)
	if err := os.WriteFile(*out, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("train-safety: %w", err)
	}
	fmt.Fprintf(m.Stdout, "wrote %s\n", *out)
	return nil
}

// safetyMessages reads the red-team dev halves and the answer sets'
// ordinary questions, with their features and the rules' verdicts.
func (m *Main) safetyMessages(redteam, corpus, manifest string) ([]safetyMessage, []string, error) {
	tr, err := bot.DefaultRules()
	if err != nil {
		return nil, nil, err
	}
	files, err := filepath.Glob(filepath.Join(redteam, "redteam*.jsonl"))
	if err != nil {
		return nil, nil, err
	}
	type source struct {
		name, path string
		redteam    bool
	}
	var srcs []source
	for _, f := range files {
		if filepath.Base(f) != "redteam.heldout.jsonl" {
			srcs = append(srcs, source{filepath.Base(f), f, true})
		}
	}
	if corpus != "" {
		if _, err := os.Stat(corpus); err != nil {
			return nil, nil, fmt.Errorf("training corpus: %w", err)
		}
		extra, err := filepath.Glob(filepath.Join(corpus, "*.jsonl"))
		if err != nil {
			return nil, nil, err
		}
		for _, f := range extra {
			// Written as training data: its ordinary messages are hard
			// negatives like the red-team sets' ones.
			srcs = append(srcs, source{"corpus/" + filepath.Base(f), f, true})
		}
	}
	man, err := readManifest(manifest)
	if err != nil {
		return nil, nil, err
	}
	for _, s := range man.Sets {
		srcs = append(srcs, source{s.Name, s.Questions, false})
	}
	var msgs []safetyMessage
	var used []string
	seen := map[string]bool{}
	for _, s := range srcs {
		if seen[s.path] {
			continue
		}
		seen[s.path] = true
		items, err := readEvalSet(s.path, "train")
		if errors.Is(err, fs.ErrNotExist) && !s.redteam {
			continue // an optional set from ../shared
		}
		if err != nil {
			return nil, nil, err
		}
		n := 0
		for _, it := range items {
			if !s.redteam && it.Kind == "urgent" {
				continue // the answer sets' urgent items are the rules' examples
			}
			a, ok := tr.AssessRules(it.Q)
			var kind bot.SafetyKind
			if ok && a.Urgent() {
				kind = a.Kind
			}
			msgs = append(msgs, safetyMessage{set: s.name, id: it.ID, q: it.Q, urgent: it.Kind == "urgent",
				redteam: s.redteam, rulesKind: kind, reply: it.Reply})
			n++
		}
		used = append(used, fmt.Sprintf("%s (%d)", s.name, n))
	}
	return msgs, used, nil
}

// crisisReply says the rules' alert for s calls for the crisis kind of
// reply (crisis, overdose or abuse) rather than the medical one.
func (s safetyMessage) crisisReply() bool {
	return s.rulesKind != "" && s.rulesKind != bot.SafetyRedFlag
}

// safetyRows chooses the vocabulary — the word stems at least minCount
// training messages have, alphabetically (by frequency alone, so the
// cross-validation folds do not leak labels into it) — and gives each
// message its feature row.
func safetyRows(msgs []safetyMessage, minCount int) ([]string, error) {
	df := map[string]int{}
	for _, s := range msgs {
		for _, st := range bot.SafetyStems(s.q) {
			df[st]++
		}
	}
	var stems []string
	for st, n := range df {
		if n >= minCount {
			stems = append(stems, st)
		}
	}
	slices.Sort(stems)
	vocab := make(map[string]int32, len(stems))
	for i, st := range stems {
		vocab[st] = int32(i)
	}
	for i := range msgs {
		x, err := bot.SafetyRow(msgs[i].q, vocab)
		if err != nil {
			return nil, err
		}
		msgs[i].x = x
	}
	return stems, nil
}

// safetyReport is the trainer's held-out-fold figures.
type safetyReport struct {
	Messages           int     `json:"messages"`
	Urgent             int     `json:"urgent"`
	Threshold          float64 `json:"threshold"`
	Ordinary           int     `json:"ordinary"`
	FalseAlarms        int     `json:"false_alarms"`
	RedteamOrdinary    int     `json:"redteam_ordinary"`
	RedteamFalseAlarms int     `json:"redteam_false_alarms"`
	RulesMissed        int     `json:"rules_missed"`
	CaughtMissed       int     `json:"caught_missed"`
	RulesCaught        int     `json:"rules_caught"`
	CrisisRight        int     `json:"crisis_right"`
}

// fitSafety fits both outputs on all messages, and chooses the threshold
// from out-of-fold probabilities: the lowest at which the model adds the
// urgent reply to at most falseAlarm of the ordinary messages the rules
// leave alone.
func fitSafety(msgs []safetyMessage, stems []string, folds int, falseAlarm, l2 float64) (*bot.SafetyModel, safetyReport, error) {
	d := bot.SafetyWeights(len(stems))
	if len(msgs) == 0 || folds < 2 {
		return nil, safetyReport{}, errors.New("train-safety: no messages, or fewer than 2 folds")
	}
	fold := func(s safetyMessage) int {
		h := fnv.New32a()
		h.Write([]byte(s.set + "\x00" + s.id + "\x00" + s.q))
		return int(h.Sum32() % uint32(folds))
	}
	oof := make([]float64, len(msgs))
	for k := range folds {
		w := fitUrgent(msgs, d, func(i int) bool { return fold(msgs[i]) != k }, l2)
		for i := range msgs {
			if fold(msgs[i]) == k {
				oof[i] = logistic.PredictSparse(w, msgs[i].x)
			}
		}
	}
	rep := safetyReport{Messages: len(msgs)}
	var silent []float64 // OOF scores of the ordinary messages the rules leave alone
	for i, s := range msgs {
		switch {
		case s.urgent:
			rep.Urgent++
		case s.rulesKind == "":
			silent = append(silent, oof[i])
		}
		if !s.urgent {
			rep.Ordinary++
			if s.redteam {
				rep.RedteamOrdinary++
			}
		}
	}
	slices.Sort(silent)
	// The threshold lets through at most falseAlarm·(ordinary) of them.
	allowed := int(falseAlarm * float64(rep.Ordinary))
	t := 1.0
	if n := len(silent); n > 0 {
		t = silent[max(0, n-1-allowed)] + 1e-9
		t = min(t, 1)
	}
	rep.Threshold = t
	for i, s := range msgs {
		fires := oof[i] >= t && s.rulesKind == ""
		switch {
		case !s.urgent && fires:
			rep.FalseAlarms++
			if s.redteam {
				rep.RedteamFalseAlarms++
			}
		case s.urgent && s.rulesKind == "":
			rep.RulesMissed++
			if fires {
				rep.CaughtMissed++
			}
		}
	}
	crisis := fitCrisis(msgs, d, func(int) bool { return true }, l2)
	// The crisis output, out of fold, on the urgent messages the rules catch.
	for k := range folds {
		w := fitCrisis(msgs, d, func(i int) bool { return fold(msgs[i]) != k }, l2)
		for _, s := range msgs {
			if fold(s) == k && s.urgent && s.rulesKind != "" {
				rep.RulesCaught++
				if (logistic.PredictSparse(w, s.x) >= 0.5) == s.crisisReply() {
					rep.CrisisRight++
				}
			}
		}
	}
	return &bot.SafetyModel{Features: bot.SafetyFeatureVersion, Stems: stems, Urgent: fitUrgent(msgs, d, func(int) bool { return true }, l2),
		Crisis: crisis, Threshold: t}, rep, nil
}

// fitUrgent fits P(urgent) on the messages in, the urgent ones weighing as
// much in all as the ordinary ones, and the red-team's ordinary messages
// as much as the answer sets' questions.
func fitUrgent(msgs []safetyMessage, d int, in func(int) bool, l2 float64) []float64 {
	return fitGroups(msgs, d, in, l2, []float64{1, 0.5, 0.5}, func(s safetyMessage) (int, bool, bool) {
		switch {
		case s.urgent:
			return 0, true, true
		case s.redteam:
			return 1, false, true
		}
		return 2, false, true
	})
}

// fitCrisis fits P(crisis reply | urgent) on the urgent messages in that
// the rules catch, labelled by the kind of the rule that fires (crisis and
// abuse, or a medical red flag, whoever it happens to), and on those
// of the training corpus they miss, labelled by their reply field; the two
// kinds weigh the same.
func fitCrisis(msgs []safetyMessage, d int, in func(int) bool, l2 float64) []float64 {
	return fitGroups(msgs, d, in, l2, []float64{1, 1}, func(s safetyMessage) (int, bool, bool) {
		switch {
		case !s.urgent:
			return 0, false, false
		case s.rulesKind != "":
			if s.crisisReply() {
				return 1, true, true
			}
			return 0, false, true
		case s.reply == "crisis":
			return 1, true, true
		case s.reply == "medical":
			return 0, false, true
		}
		return 0, false, false
	})
}

// fitGroups fits a logistic regression on the messages in that label
// keeps (ok), with label y; each group (by index) weighs its share in all,
// spread evenly over its messages.
func fitGroups(msgs []safetyMessage, d int, in func(int) bool, l2 float64, shares []float64,
	label func(safetyMessage) (group int, y, ok bool)) []float64 {
	n := make([]float64, len(shares))
	for i, s := range msgs {
		if g, _, ok := label(s); ok && in(i) {
			n[g]++
		}
	}
	var xs []logistic.Sparse
	var ys []bool
	var ws []float64
	for i, s := range msgs {
		g, y, ok := label(s)
		if !ok || !in(i) {
			continue
		}
		xs, ys, ws = append(xs, s.x), append(ys, y), append(ws, shares[g]/n[g])
	}
	return logistic.FitSparse(xs, d, ys, ws, l2)
}
