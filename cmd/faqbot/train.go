package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"faqbot/search"
)

// trainManifest lists the labelled sets the ranker learns from. Paths are
// relative to the manifest file.
type trainManifest struct {
	Sets []trainSet `yaml:"sets"`
}

type trainSet struct {
	Name string `yaml:"name"`
	// Content is the knowledge base the questions are asked of.
	Content []string `yaml:"content"`
	// Questions is a JSON-lines set; only its "train" split (or all of
	// it, when it has no splits) is used.
	Questions string `yaml:"questions"`
	// Optional sets are skipped when their files are absent (data that
	// may not be redistributed with the project, read from ../shared).
	Optional bool `yaml:"optional"`
}

func readManifest(path string) (trainManifest, error) {
	var m trainManifest
	data, err := os.ReadFile(path)
	if err != nil {
		return m, fmt.Errorf("train: %w", err)
	}
	if err := yaml.Unmarshal(data, &m); err != nil {
		return m, fmt.Errorf("train: %s: %w", path, err)
	}
	dir := filepath.Dir(path)
	for i := range m.Sets {
		s := &m.Sets[i]
		if s.Name == "" || s.Questions == "" || len(s.Content) == 0 {
			return m, fmt.Errorf("train: %s: set %d needs name, content and questions", path, i+1)
		}
		s.Questions = relTo(dir, s.Questions)
		for k := range s.Content {
			s.Content[k] = relTo(dir, s.Content[k])
		}
	}
	return m, nil
}

// relTo resolves p against dir unless it is absolute.
func relTo(dir, p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(dir, p)
}

// examples turns one labelled set into training examples.
func (m *Main) examples(ctx context.Context, set trainSet, rk *search.Ranker) ([]search.Example, error) {
	items, err := readEvalSet(set.Questions, "train")
	if err != nil {
		return nil, err
	}
	cfg := DefaultConfig()
	cfg.Content.Paths = set.Content
	co, err := buildCore(cfg, newLogger(m.Stderr, cfg.Log, slog.LevelWarn), nil)
	if err != nil {
		return nil, fmt.Errorf("train: %s: %w", set.Name, err)
	}
	defer co.lib.Close()
	co.lib.Index().SetRanker(rk)
	var out []search.Example
	for _, it := range items {
		if it.Kind == "urgent" {
			continue // safety triage answers these, not the ranker
		}
		cands, err := co.lib.Index().Candidates(ctx, it.Q)
		if err != nil {
			return nil, err
		}
		// In entry order, not the current ranker's: the examples, and so
		// the folds and weights, must not depend on the weights that the
		// binary happened to embed.
		slices.SortFunc(cands, func(a, b search.Candidate) int { return strings.Compare(a.Entry.ID, b.Entry.ID) })
		ex := search.Example{Set: set.Name, Answerable: it.Kind == "answer", Group: "q:" + it.ID}
		for _, c := range cands {
			ok, err := rightCandidate(ctx, co, it, c)
			if err != nil {
				return nil, err
			}
			ex.Cands = append(ex.Cands, c.Features)
			ex.Right = append(ex.Right, ok)
			if ok && !strings.HasPrefix(ex.Group, "e:") {
				ex.Group = "e:" + c.Entry.ID
			}
		}
		// Questions of one class, or answered by one entry, share a fold.
		if it.Class != "" {
			ex.Group = "class:" + it.Class
		}
		out = append(out, ex)
	}
	return out, nil
}

func (m *Main) train(ctx context.Context, args []string) error {
	var c common
	fl := m.flags("train", &c)
	manifest := fl.String("manifest", "testdata/training.yaml", "the labelled sets to learn from")
	out := fl.String("out", "search/data/ranker.json", "where to write the weights")
	folds := fl.Int("folds", 5, "cross-validation folds (grouped by entry or class)")
	precision := fl.Float64("precision", 0, "share of given answers that must be right at the recommended min_confidence (0: best balanced accuracy)")
	l2 := fl.Float64("l2", 1, "ridge penalty on the weights")
	if err := parseFlags(fl, args); err != nil {
		return err
	}
	man, err := readManifest(*manifest)
	if err != nil {
		return err
	}
	var exs []search.Example
	var used []string
	for _, set := range man.Sets {
		if _, err := os.Stat(set.Questions); errors.Is(err, fs.ErrNotExist) && set.Optional {
			fmt.Fprintf(m.Stderr, "train: skipping %s (%s is absent)\n", set.Name, set.Questions)
			continue
		}
		e, err := m.examples(ctx, set, search.DefaultRanker())
		if err != nil {
			return err
		}
		exs = append(exs, e...)
		used = append(used, fmt.Sprintf("%s (%d)", set.Name, len(e)))
	}
	rk, rep, err := search.Train(exs, search.TrainOptions{Folds: *folds, L2: *l2, TargetPrecision: *precision})
	if err != nil {
		return err
	}
	rk.Origin = fmt.Sprintf("faqbot train -manifest %s -folds %d -precision %g -l2 %g on %s; %s",
		*manifest, *folds, *precision, *l2, strings.Join(used, ", "), time.Now().UTC().Format("2006-01-02"))
	printTrainReport(m.Stdout, rk, rep)
	data, err := json.MarshalIndent(rk, "", " ")
	if err != nil {
		return fmt.Errorf("train: %w", err)
	}
	if err := os.WriteFile(*out, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("train: %w", err)
	}
	fmt.Fprintf(m.Stdout, "wrote %s\n", *out)
	return nil
}

func printTrainReport(w io.Writer, rk *search.Ranker, rep search.TrainReport) {
	fmt.Fprintf(w, "%d questions, %d-fold grouped cross-validation (held-out folds only):\n", rep.Examples, rep.Folds)
	fmt.Fprintf(w, "  top-1 right on answerable questions: %.1f%%\n", 100*rep.Top1)
	a := rep.AtThreshold
	fmt.Fprintf(w, "  min_confidence %.3f (target precision %.0f%%, 0 = best balanced accuracy): answered %.1f%%, precision %.1f%%, recall %.1f%%, declined %.1f%% of unanswerable\n",
		rep.MinConfidence, 100*rk.TargetPrecision, 100*a.Answered, 100*a.Precision, 100*a.Recall, 100*a.Declined)
	for _, n := range slices.Sorted(maps.Keys(rep.Sets)) {
		s := rep.Sets[n]
		fmt.Fprintf(w, "  %-22s %4d q (%d answerable): top-1 %.1f%%, answered right %.1f%%, declined %.1f%%\n",
			n, s.Questions, s.Answerable, 100*s.Top1, 100*s.Recall, 100*s.Declined)
	}
	fmt.Fprintln(w, "precision/coverage on held-out folds (threshold answered precision recall declined):")
	next := 0.0
	for _, c := range rep.Curve {
		if c.Threshold >= next {
			fmt.Fprintf(w, "  %.3f %5.1f%% %5.1f%% %5.1f%% %5.1f%%\n", c.Threshold, 100*c.Answered, 100*c.Precision, 100*c.Recall, 100*c.Declined)
			next = c.Threshold + 0.05
		}
	}
	fmt.Fprintf(w, "calibration on held-out folds (expected calibration error %.3f):\n  probability   questions  mean p  right\n", rep.ECE)
	for _, b := range rep.Reliability {
		if b.N > 0 {
			fmt.Fprintf(w, "  %.1f–%.1f      %5d      %.2f    %.2f\n", b.From, b.To, b.N, b.MeanP, b.Right)
		}
	}
	fmt.Fprintln(w, "ranking weights:")
	for k, name := range rk.Features {
		fmt.Fprintf(w, "  %-18s %+.3f\n", name, rk.Weights[k])
	}
	fmt.Fprintln(w, "decision weights:")
	for k, name := range append(rk.DecisionInputs, "bias") {
		fmt.Fprintf(w, "  %-18s %+.3f\n", name, rk.Decision[k])
	}
}
