package bot

import (
	_ "embed"
	"errors"
	"fmt"
	"os"
	"regexp"
	"regexp/syntax"
	"strings"

	"gopkg.in/yaml.v3"
)

//go:embed data/safety.yaml
var defaultSafety []byte

// SafetyKind separates medical red flags from crisis statements.
type SafetyKind string

// Safety rule kinds.
const (
	SafetyRedFlag SafetyKind = "redflag"
	SafetyCrisis  SafetyKind = "crisis"
)

// Triage holds the safety rules, loaded and validated from data.
type Triage struct {
	rules   []rule
	replies map[SafetyKind]string
}

type rule struct {
	id, title string
	kind      SafetyKind
	all       []*regexp.Regexp
	// needles holds, per group, literal strings of which every match of
	// the group contains at least one; nil when the group has no such set.
	// A group none of whose needles occurs in the text cannot match, so
	// its regular expression need not run.
	needles [][]string
}

type triageFile struct {
	Replies map[SafetyKind]string `yaml:"replies"`
	Rules   []struct {
		ID    string     `yaml:"id"`
		Kind  SafetyKind `yaml:"kind"`
		Title string     `yaml:"title"`
		All   [][]string `yaml:"all"`
	} `yaml:"rules"`
}

// Alert is a fired safety rule.
type Alert struct {
	RuleID string
	Title  string
	Kind   SafetyKind
	// Reply is the urgent reply text.
	Reply string
}

// DefaultTriage returns the bundled safety rules.
func DefaultTriage() *Triage {
	t, err := ParseTriage("safety.yaml (built in)", defaultSafety)
	if err != nil {
		panic("bot: bundled safety rules: " + err.Error()) // covered by tests
	}
	return t
}

// LoadTriage reads safety rules from a YAML file; "" gives the bundled rules.
func LoadTriage(path string) (*Triage, error) {
	if path == "" {
		return DefaultTriage(), nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("bot: safety rules: %w", err)
	}
	return ParseTriage(path, data)
}

// ParseTriage parses and validates safety rules. Every problem is reported
// (unknown keys, bad kinds, empty groups, invalid regular expressions).
func ParseTriage(name string, data []byte) (*Triage, error) {
	var f triageFile
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("bot: safety rules %s: %w", name, err)
	}
	t := &Triage{replies: map[SafetyKind]string{}}
	var errs []error
	for _, k := range []SafetyKind{SafetyRedFlag, SafetyCrisis} {
		r := strings.TrimSpace(f.Replies[k])
		if r == "" {
			errs = append(errs, fmt.Errorf("%s: replies.%s is missing", name, k))
		}
		t.replies[k] = r
	}
	if len(f.Rules) == 0 {
		errs = append(errs, fmt.Errorf("%s: no rules", name))
	}
	seen := map[string]bool{}
	for i, r := range f.Rules {
		where := fmt.Sprintf("%s: rule %d (%s)", name, i+1, r.ID)
		if r.ID == "" {
			errs = append(errs, fmt.Errorf("%s: missing id", where))
		} else if seen[r.ID] {
			errs = append(errs, fmt.Errorf("%s: duplicate id", where))
		}
		seen[r.ID] = true
		if r.Kind != SafetyRedFlag && r.Kind != SafetyCrisis {
			errs = append(errs, fmt.Errorf("%s: kind %q must be redflag or crisis", where, r.Kind))
		}
		if len(r.All) == 0 {
			errs = append(errs, fmt.Errorf("%s: \"all\" has no groups", where))
		}
		ru := rule{id: r.ID, title: r.Title, kind: r.Kind}
		for gi, g := range r.All {
			if len(g) == 0 {
				errs = append(errs, fmt.Errorf("%s: group %d is empty", where, gi+1))
			}
			var alts, ns []string
			filter := true
			for _, p := range g {
				if _, err := regexp.Compile(p); err != nil {
					errs = append(errs, fmt.Errorf("%s: group %d: %w", where, gi+1, err))
					continue
				}
				alts = append(alts, "(?:"+p+")")
				pn := patternNeedles(p)
				if pn == nil {
					filter = false
				}
				ns = append(ns, pn...)
			}
			if len(alts) > 0 {
				// One alternation per group: one pass over the text instead of one per pattern.
				ru.all = append(ru.all, regexp.MustCompile(strings.Join(alts, "|")))
				if !filter {
					ns = nil
				}
				ru.needles = append(ru.needles, ns)
			}
		}
		t.rules = append(t.rules, ru)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return t, nil
}

// Len is the number of rules.
func (t *Triage) Len() int { return len(t.rules) }

var negation = regexp.MustCompile(`\b(no|not|without|never|denies|deny|don't have|do not have|haven't had|hasn't|isn't|wasn't|free of)\b(\s+\S+){0,2}\s*$`)

// Check returns the first rule (crisis rules first) that fires on text.
func (t *Triage) Check(text string) (Alert, bool) {
	s := normalizeForRules(text)
	for _, kind := range []SafetyKind{SafetyCrisis, SafetyRedFlag} {
		for _, r := range t.rules {
			if r.kind != kind || !r.fires(s) {
				continue
			}
			reply := strings.ReplaceAll(t.replies[r.kind], "{title}", r.title)
			return Alert{RuleID: r.id, Title: r.title, Kind: r.kind, Reply: reply}, true
		}
	}
	return Alert{}, false
}

func (r rule) fires(s string) bool {
	// Every group must match: first rule out the cheap way any group that
	// cannot, by its literal needles, before running a regular expression.
	for _, ns := range r.needles {
		if ns != nil && !containsAny(s, ns) {
			return false
		}
	}
	for _, group := range r.all {
		if !groupMatches(group, s) {
			return false
		}
	}
	return true
}

// groupMatches reports whether the group's alternation matches s at a
// place not governed by a negation just before it.
func groupMatches(group *regexp.Regexp, s string) bool {
	for _, loc := range group.FindAllStringIndex(s, -1) {
		if !negation.MatchString(s[:loc[0]]) {
			return true
		}
	}
	return false
}

func containsAny(s string, needles []string) bool {
	for _, n := range needles {
		if strings.Contains(s, n) {
			return true
		}
	}
	return false
}

// patternNeedles returns literal strings of which every match of the
// regular expression p contains at least one ("\bnumb\w*" -> "numb";
// "\blos(e|ing|s)\b" -> "los"), or nil when it cannot tell (a pattern
// that may match without any literal text, or matches case-insensitively).
func patternNeedles(p string) []string {
	re, err := syntax.Parse(p, syntax.Perl)
	if err != nil {
		return nil
	}
	return needles(re.Simplify())
}

func needles(re *syntax.Regexp) []string {
	switch re.Op {
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 || len(re.Rune) == 0 {
			return nil
		}
		return []string{string(re.Rune)}
	case syntax.OpCapture, syntax.OpPlus:
		return needles(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min < 1 {
			return nil
		}
		return needles(re.Sub[0])
	case syntax.OpConcat:
		// Every part occurs in a match: take the most selective part,
		// the one whose shortest needle is longest.
		var best []string
		bestLen := 0
		for _, sub := range re.Sub {
			ns := needles(sub)
			if ns == nil {
				continue
			}
			if l := shortest(ns); l > bestLen {
				best, bestLen = ns, l
			}
		}
		return best
	case syntax.OpAlternate:
		// Some branch occurs in a match: every branch needs needles.
		var all []string
		for _, sub := range re.Sub {
			ns := needles(sub)
			if ns == nil {
				return nil
			}
			all = append(all, ns...)
		}
		return all
	}
	return nil
}

func shortest(ns []string) int {
	m := len(ns[0])
	for _, n := range ns[1:] {
		m = min(m, len(n))
	}
	return m
}

var apostrophes = strings.NewReplacer("’", "'", "‘", "'", "`", "'")

func normalizeForRules(text string) string {
	text = apostrophes.Replace(strings.ToLower(text))
	text = strings.ReplaceAll(text, "cannot", "can't")
	return strings.Join(strings.Fields(text), " ")
}
