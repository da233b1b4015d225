package bot

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// flagLetters are the letters explain shows for the context flags.
var flagLetters = []struct {
	flag   uint8
	letter string
}{{flagNegated, "N"}, {flagHistorical, "H"}, {flagHypothetical, "Y"}, {flagOther, "O"}, {flagResolved, "R"}, {flagReported, "T"}}

// explain renders how triage saw text: tokens with their context flags and
// the concept matches. For debugging rules.
func (t *Triage) explain(text string) string {
	fs, d := t.evaluate(text)
	var b strings.Builder
	for i, tk := range d.toks {
		f := ""
		for _, fl := range flagLetters {
			if tk.flags&fl.flag != 0 {
				f += fl.letter
			}
		}
		fmt.Fprintf(&b, "%d:%s/%s[c%d s%d %s] ", i, tk.word, tk.stem, tk.clause, tk.sent, f)
	}
	b.WriteString("\n")
	for lex, ss := range d.byLex {
		for _, s := range ss {
			fmt.Fprintf(&b, "  %s[%d,%d)", t.lexName[lex], s.start, s.end)
		}
	}
	b.WriteString("\n")
	for _, f := range fs {
		fmt.Fprintf(&b, "  FIRES %s tier=%s hyp=%v\n", f.rule.id, f.tier, f.hypothetical)
	}
	a, ok := t.Assess(text)
	fmt.Fprintf(&b, "  => %v %s %s\n", ok, a.Tier, a.RuleID)
	return b.String()
}

// TestExplain prints the analysis of $TRIAGE_EXPLAIN (one message a line).
func TestExplain(t *testing.T) {
	q := os.Getenv("TRIAGE_EXPLAIN")
	if q == "" {
		t.Skip("set TRIAGE_EXPLAIN")
	}
	tr := defaultTriageT(t)
	for _, l := range strings.Split(q, "\n") {
		t.Logf("%q\n%s", l, tr.explain(l))
	}
}
