package bot

import (
	"os"
	"strings"
	"testing"
)

func TestProbe(t *testing.T) {
	tr := DefaultTriage()
	for _, f := range []struct{ file string; want bool }{{"/tmp/rt/probe_u.txt", true}, {"/tmp/rt/probe_n.txt", false}} {
		b, _ := os.ReadFile(f.file)
		for _, q := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			a, ok := tr.Assess(q)
			urgent := ok && a.Urgent()
			if urgent != f.want {
				t.Logf("want %v got %v %s/%s: %q", f.want, urgent, a.Tier, a.RuleID, q)
			}
		}
	}
}
