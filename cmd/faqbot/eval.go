package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"

	"faqbot/bot"
	"faqbot/search"
)

// evalResult is one item's outcome.
type evalResult struct {
	item  evalItem
	reply bot.Reply
	ok    bool
	// topRight says the best candidate would be a right answer; topConf is
	// its calibrated confidence (-1 with no candidate), for the curve.
	topRight bool
	topConf  float64
	// inCands says a right entry was among the candidates at all.
	inCands bool
	cands   []search.Candidate
}

// evalSummary is a set's figures.
type evalSummary struct {
	results []evalResult
	byKind  map[string][2]int
	byTag   map[string][2]int
}

func (s evalSummary) rate(kind string) float64 {
	k := s.byKind[kind]
	if k[1] == 0 {
		return 1
	}
	return float64(k[0]) / float64(k[1])
}

// runEval answers every item with the core and scores it.
func runEval(ctx context.Context, co *core, items []evalItem) (evalSummary, error) {
	sum := evalSummary{byKind: map[string][2]int{}, byTag: map[string][2]int{}}
	for _, it := range items {
		r, err := co.bot.Answer(ctx, bot.Question{Text: it.Q, Platform: "eval"})
		if err != nil {
			return sum, err
		}
		res := evalResult{item: it, reply: r, ok: it.correct(r), topConf: -1}
		if r.Kind != bot.KindUrgent {
			cands, err := co.lib.Index().Candidates(ctx, it.Q)
			if err != nil {
				return sum, err
			}
			res.cands = cands
			for k, c := range cands {
				right, err := rightCandidate(ctx, co, it, c)
				if err != nil {
					return sum, err
				}
				if k == 0 {
					res.topRight, res.topConf = right, c.Confidence
				}
				res.inCands = res.inCands || right
			}
		}
		sum.results = append(sum.results, res)
		for _, key := range []struct {
			m map[string][2]int
			k string
		}{{sum.byKind, it.Kind}, {sum.byTag, it.Tag}} {
			v := key.m[key.k]
			v[1]++
			if res.ok {
				v[0]++
			}
			key.m[key.k] = v
		}
	}
	return sum, nil
}

// baselineLine is one item's outcome as the committed baseline records it.
func (r evalResult) baselineLine() string {
	mark := "ok"
	if !r.ok {
		mark = "MISS"
	}
	return fmt.Sprintf("%s %s %s->%s", r.item.ID, mark, r.item.Kind, r.reply.Kind)
}

func (s evalSummary) baseline() string {
	var b strings.Builder
	for _, r := range s.results {
		b.WriteString(r.baselineLine())
		b.WriteByte('\n')
	}
	return b.String()
}

// baselineDiff lists the items whose outcome differs from the baseline.
func baselineDiff(old, now string) []string {
	was := map[string]string{}
	for _, l := range strings.Split(old, "\n") {
		if f := strings.Fields(l); len(f) >= 2 {
			was[f[0]] = l
		}
	}
	var out []string
	for _, l := range strings.Split(now, "\n") {
		f := strings.Fields(l)
		if len(f) < 2 {
			continue
		}
		if w, ok := was[f[0]]; !ok {
			out = append(out, "new      "+l)
		} else if w != l {
			out = append(out, "was      "+w+"\n  now    "+l)
		}
	}
	return out
}

func (s evalSummary) print(w io.Writer, misses bool) {
	for _, t := range slices.Sorted(maps.Keys(s.byTag)) {
		v := s.byTag[t]
		fmt.Fprintf(w, "tag %-14s %3d/%-3d\n", t, v[0], v[1])
	}
	for _, k := range []string{"answer", "none", "urgent"} {
		if v, ok := s.byKind[k]; ok {
			fmt.Fprintf(w, "%-6s %3d/%-3d %5.1f%%\n", k, v[0], v[1], 100*s.rate(k))
		}
	}
	answerable, retrieved := 0, 0
	for _, r := range s.results {
		if r.item.Kind == "answer" {
			answerable++
			if r.inCands {
				retrieved++
			}
		}
	}
	if answerable > 0 {
		fmt.Fprintf(w, "a right entry among the candidates: %d/%d\n", retrieved, answerable)
	}
	fmt.Fprintln(w, "\nthreshold  answered  precision  answer-right  declined   (best candidate's confidence ≥ threshold)")
	for _, t := range []float64{0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9} {
		var given, right, ans, ansRight, none, declined int
		for _, r := range s.results {
			if r.item.Kind == "urgent" {
				continue
			}
			g := r.topConf >= t && r.topConf >= 0
			if r.item.Kind == "answer" {
				ans++
			} else {
				none++
			}
			if g {
				given++
				if r.topRight {
					right++
				}
				if r.item.Kind == "answer" && r.topRight {
					ansRight++
				}
			} else if r.item.Kind == "none" {
				declined++
			}
		}
		fmt.Fprintf(w, "  %.1f      %5.1f%%    %5.1f%%      %5.1f%%      %5.1f%%\n", t,
			pct(given, ans+none), pct(right, given), pct(ansRight, ans), pct(declined, none))
	}
	if !misses {
		return
	}
	fmt.Fprintln(w)
	for _, r := range s.results {
		if r.ok {
			continue
		}
		fmt.Fprintf(w, "MISS %s [%s/%s] %q -> %s %.3f %q\n", r.item.ID, r.item.Kind, r.item.Tag, r.item.Q, r.reply.Kind, r.reply.Score, clipText(r.reply.Source.Title, 60))
		for k, c := range r.cands {
			if k == 3 {
				break
			}
			fmt.Fprintf(w, "    %.3f %-14s %q %s\n", c.Confidence, c.Entry.ID, clipText(c.Entry.Title+" | "+c.Entry.Text, 60), featureString(c.Features))
		}
	}
}

func pct(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}

// featureString shows a candidate's non-zero features.
func featureString(x search.Features) string {
	var parts []string
	for k, n := range search.FeatureNames() {
		if x[k] != 0 {
			parts = append(parts, fmt.Sprintf("%s=%.2f", n, x[k]))
		}
	}
	return strings.Join(parts, " ")
}

func (m *Main) eval(ctx context.Context, args []string) error {
	var c common
	fl := m.flags("eval", &c)
	split := fl.String("split", "all", "which items: all, heldout, or train (everything not held out)")
	misses := fl.Bool("misses", true, "list each miss with its top candidates and their features")
	baseline := fl.String("baseline", "", "compare each item's outcome with this baseline file and list the changes")
	write := fl.String("write-baseline", "", "write each item's outcome to this file")
	pos, err := parseInterleaved(fl, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("%w: faqbot eval [flags] SET.jsonl", errUsage)
	}
	items, err := readEvalSet(pos[0], *split)
	if err != nil {
		return err
	}
	if len(items) == 0 {
		return fmt.Errorf("eval: %s has no questions in split %q", pos[0], *split)
	}
	co, err := m.quietCore(c)
	if err != nil {
		return err
	}
	defer co.lib.Close()
	sum, err := runEval(ctx, co, items)
	if err != nil {
		return err
	}
	sum.print(m.Stdout, *misses)
	if *baseline != "" {
		old, err := os.ReadFile(*baseline)
		if err != nil {
			return fmt.Errorf("eval: %w", err)
		}
		d := baselineDiff(string(old), sum.baseline())
		fmt.Fprintf(m.Stdout, "\n%d changes against %s\n", len(d), *baseline)
		for _, l := range d {
			fmt.Fprintln(m.Stdout, "  "+l)
		}
	}
	if *write != "" {
		if err := os.WriteFile(*write, []byte(sum.baseline()), 0o644); err != nil {
			return fmt.Errorf("eval: %w", err)
		}
	}
	return nil
}
