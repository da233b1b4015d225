package bot

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"faqbot/faq"
)

func TestTriageFires(t *testing.T) {
	tr := DefaultTriage()
	for _, c := range []struct{ q, rule string }{
		// Loss of bladder or bowel control.
		{"I've lost control of my bladder since my back started hurting", "bladder-bowel-control"},
		{"back pain and I can't control my bowels", "bladder-bowel-control"},
		{"My lower back hurts and I wet myself without noticing", "bladder-bowel-control"},
		{"my back hurts and I keep wetting myself", "bladder-bowel-control"},
		{"lumbar pain, and twice this week I pooped my pants", "bladder-bowel-control"},
		{"sciatica and now trouble peeing", "bladder-bowel-control"},
		{"Bowel incontinence with back ache, is massage ok?", "bladder-bowel-control"},
		// Saddle / groin numbness.
		{"numbness in my groin and lower back pain", "saddle-numbness"},
		{"I can't feel my inner thighs and bum", "saddle-numbness"},
		{"my back hurts and there is tingling in my private parts", "saddle-numbness"},
		{"Saddle area feels numb", "saddle-numbness"},
		// Sudden or worsening leg weakness.
		{"my leg suddenly went weak and my back hurts", "leg-weakness"},
		{"Sudden weakness in both legs with back pain", "leg-weakness"},
		{"my knees keep buckling since my back went", "leg-weakness"},
		{"I can't walk properly, my foot is dragging", "leg-weakness"},
		// After a fall or accident.
		{"I fell down the stairs and now my back hurts", "trauma"},
		{"back pain after a car accident yesterday", "trauma"},
		{"Is massage OK for neck pain after a car crash?", "trauma"},
		{"I slipped on ice and landed on my tailbone", "trauma"},
		// With fever.
		{"back pain with a fever", "fever"},
		{"I have a high temperature and my lower back is killing me", "fever"},
		{"Feverish with chills and a stiff sore back", "fever"},
		// Chest pain spreading.
		{"chest pain spreading to my left arm", "chest-pain"},
		{"I have a crushing pain in my chest that goes to my back", "chest-pain"},
		{"tightness in my chest and my jaw hurts", "chest-pain"},
		// Cancer history / weight loss.
		{"I had breast cancer and now new back pain", "cancer-weight-loss"},
		{"unexplained weight loss and my back aches at night", "cancer-weight-loss"},
		{"I've been losing weight without trying and my spine hurts", "cancer-weight-loss"},
		{"after chemo my back is sore, can I get a massage?", "cancer-weight-loss"},
		// Crisis.
		{"I want to kill myself", "self-harm"},
		{"I've been thinking about suicide", "self-harm"},
		{"my back pain is so bad I don't want to live anymore", "self-harm"},
		{"sometimes I think everyone would be better off if I was dead, I'm better off dead", "self-harm"},
		{"I keep cutting myself", "self-harm"},
		{"I can't go on like this", "self-harm"},
		{"I just want to end it all", "self-harm"},
		{"i want to die", "self-harm"},
		// Curly apostrophes and capitals.
		{"I CAN’T CONTROL MY BLADDER AND MY BACK HURTS", "bladder-bowel-control"},
	} {
		a, ok := tr.Check(c.q)
		if !ok || a.RuleID != c.rule {
			t.Errorf("Check(%q): got %q (fired %v), want %q", c.q, a.RuleID, ok, c.rule)
			continue
		}
		if a.Reply == "" || strings.Contains(a.Reply, "{title}") || a.Title == "" {
			t.Errorf("Check(%q): Reply %q, Title %q; want a filled-in reply and a title", c.q, a.Reply, a.Title)
		}
		wantKind := SafetyRedFlag
		if c.rule == "self-harm" {
			wantKind = SafetyCrisis
		}
		if a.Kind != wantKind {
			t.Errorf("Check(%q): Kind %s, want %s", c.q, a.Kind, wantKind)
		}
	}
}

func TestTriageDoesNotFire(t *testing.T) {
	tr := DefaultTriage()
	for _, q := range []string{
		"Is tingling in my legs a sign of chronic back pain?",
		"Can massage help numbness in my hands?",
		"back pain but no fever",
		"I have back pain without any fever",
		"I fell in love with massage",
		"does massage help muscle weakness in general",
		"Can massage help lower back pain?",
		"How can I tell if my back pain is chronic?",
		"My back is stiff in the morning",
		"my legs feel tired after a long walk",
		"Is massage safe during pregnancy?",
		"What is the best massage for sciatica?",
		"Does deep tissue massage hurt?",
		"my back hurts when I stand for a long time",
		"How long does a migraine last?",
		"I have no bladder problems, just back ache",
		"I went to the toilet by myself after the massage",
		"my lower back aches when I pee",
		"My grandmother had cancer; how do I find a good doctor?",
		"Can I get a massage after a fall in autumn sports season", // no back
		"the killer feature of massage",
		"I'm dying to try a hot stone massage",
		"Does massage help arm pain?",
		"chest pain", // no spreading, handled by a doctor but not this rule
	} {
		if a, ok := tr.Check(q); ok {
			t.Errorf("Check(%q): fired %q, want no rule", q, a.RuleID)
		}
	}
}

// TestUrgentReplies: urgent replies carry the rule's text, never a massage
// answer, and the search is not consulted.
func TestUrgentReplies(t *testing.T) {
	massage := faq.Entry{ID: "q-massage", Type: faq.TypeFAQ, Title: "Can massage help lower back pain?", Text: "Yes, massage relaxes the muscles of the lower back."}
	for _, q := range []string{
		"can massage help lower back pain after I fell off a ladder",
		"Can massage help lower back pain? I also lost bladder control",
		"massage for back pain with fever",
		"I want to end my life, can massage help my back pain",
		strings.Repeat("can massage help my lower back pain ", 20) + " I fell down the stairs", // long: safety still runs first
	} {
		s := &fakeSearcher{entries: []faq.Entry{massage}, results: map[string][]faq.Match{}}
		b, err := New(s, nil, testConfig())
		if err != nil {
			t.Fatal(err)
		}
		r := answer(t, b, q)
		if r.Kind != KindUrgent {
			t.Errorf("%.40q: Kind %s, want urgent", q, r.Kind)
			continue
		}
		if strings.Contains(r.Text, massage.Text) || strings.Contains(strings.ToLower(r.Text), "massage relaxes") {
			t.Errorf("%.40q: urgent Text %q carries the massage answer", q, r.Text)
		}
		if !strings.Contains(r.Text, "emergency") {
			t.Errorf("%.40q: urgent Text %q, want it to send the person to emergency care", q, r.Text)
		}
		if len(s.calls()) != 0 {
			t.Errorf("%.40q: searched %q, want no search for an urgent question", q, s.calls())
		}
		if r.Score != 1 || r.Source.Type != "safety" || r.Source.ID == "" {
			t.Errorf("%.40q: Score %v Source %+v, want score 1 and the rule as source", q, r.Score, r.Source)
		}
		if r.Disclaimer != testDisclaimer {
			t.Errorf("%.40q: Disclaimer %q", q, r.Disclaimer)
		}
		if n := len([]rune(r.Question)); n > testConfig().MaxQuestionChars {
			t.Errorf("%.40q: Question has %d characters, want it capped at %d", q, n, testConfig().MaxQuestionChars)
		}
	}
}

func TestParseTriageErrors(t *testing.T) {
	const replies = "replies:\n  redflag: Go to A&E now ({title}).\n  crisis: Call 988.\n"
	for _, c := range []struct {
		name string
		src  string
		want []string // every one must appear in the error
	}{
		{"unknown top-level key", replies + "rulez: []\n", []string{"rulez"}},
		{"unknown rule key", replies + "rules:\n  - id: a\n    kind: redflag\n    title: A\n    any: [[x]]\n", []string{"any"}},
		{"not YAML", "rules: [\n", []string{"safety rules"}},
		{"all problems at once", "replies:\n  redflag: ''\n" + `rules:
  - id: a
    kind: urgent
    title: A
    all: [["(unclosed"]]
  - id: a
    kind: crisis
    title: B
    all: [[]]
  - kind: redflag
    title: C
`, []string{
			"replies.redflag is missing",
			"replies.crisis is missing",
			`rule 1 (a): kind "urgent" must be redflag or crisis`,
			"rule 1 (a): group 1: error parsing regexp",
			"rule 2 (a): duplicate id",
			"rule 2 (a): group 1 is empty",
			"rule 3 (): missing id",
			`rule 3 (): "all" has no groups`,
		}},
		{"no rules", replies, []string{"no rules"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			tr, err := ParseTriage("rules.yaml", []byte(c.src))
			if err == nil {
				t.Fatalf("got %d rules and no error, want an error", tr.Len())
			}
			if tr != nil {
				t.Errorf("got rules with the error, want nil")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q: want it to contain %q", err, w)
				}
			}
			if !strings.Contains(err.Error(), "rules.yaml") {
				t.Errorf("error %q: want it to name the file", err)
			}
		})
	}
}

func TestParseTriageCustom(t *testing.T) {
	src := `replies:
  redflag: "Seek care now: {title}."
  crisis: "Call a crisis line."
rules:
  - id: eye
    kind: redflag
    title: sudden loss of vision
    all:
      - ['\b(lost|losing|loss of) (my )?(vision|sight)\b', '\bcan''t see\b']
      - ['\bsudden\w*', '\bovernight\b']
`
	tr, err := ParseTriage("eye.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if tr.Len() != 1 {
		t.Errorf("Len: got %d, want 1", tr.Len())
	}
	a, ok := tr.Check("I suddenly lost my vision in one eye")
	if !ok || a.Reply != "Seek care now: sudden loss of vision." {
		t.Errorf("Check: got %+v %v, want the eye rule with its title filled in", a, ok)
	}
	if _, ok := tr.Check("I lost my glasses suddenly"); ok {
		t.Error("Check(glasses): fired, want not")
	}
	// Both groups must match.
	if _, ok := tr.Check("I can't see well at night"); ok {
		t.Error("Check(one group only): fired, want not")
	}

	// LoadTriage reads a file; "" gives the bundled rules.
	p := filepath.Join(t.TempDir(), "eye.yaml")
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if lt, err := LoadTriage(p); err != nil || lt.Len() != 1 {
		t.Errorf("LoadTriage(file): got %v, want 1 rule", err)
	}
	if lt, err := LoadTriage(""); err != nil || lt.Len() != DefaultTriage().Len() || lt.Len() < 8 {
		t.Errorf("LoadTriage(\"\"): got %v, want the bundled rules", err)
	}
	if _, err := LoadTriage(p + ".missing"); err == nil {
		t.Error("LoadTriage(missing file): got no error")
	}

	// A bot with custom rules uses them instead of the bundled ones.
	s := &fakeSearcher{entries: testEntries()}
	b, err := New(s, tr, testConfig())
	if err != nil {
		t.Fatal(err)
	}
	if r := answer(t, b, "I suddenly can't see"); r.Kind != KindUrgent || r.Source.ID != "eye" {
		t.Errorf("custom rule: got %s from %q, want urgent from eye", r.Kind, r.Source.ID)
	}
	if r := answer(t, b, "I fell and hurt my back"); r.Kind == KindUrgent {
		t.Errorf("bundled rule fired with custom rules loaded: %+v", r.Source)
	}
}

func TestPatternNeedles(t *testing.T) {
	for _, c := range []struct {
		p    string
		want []string // nil: no needles, the pattern always runs
	}{
		{`\bnumb\w*`, []string{"numb"}},
		{`\blos(e|ing|s)\b`, []string{"los"}},
		{`\bwet (myself|the bed|my pants)`, []string{"myself", "the bed", "my pants"}},
		{`\bcut(ting)? myself\b`, []string{" myself"}},
		{`\bpoo+p?\b`, []string{"po"}},
		{`back|neck`, []string{"back", "neck"}},
		{`(ab){2,3}`, []string{"ab"}},
		{`\w+`, nil},
		{`back|\d+`, nil},
		{`(?i)back`, nil},
		{`x*`, nil},
		{`(back)?`, nil},
		{`^$`, nil},
	} {
		got := patternNeedles(c.p)
		if strings.Join(got, "|") != strings.Join(c.want, "|") || (got == nil) != (c.want == nil) {
			t.Errorf("patternNeedles(%q): got %q, want %q", c.p, got, c.want)
		}
	}
}

// TestTriageNeedlesExact: the literal prefilter never rules out a group
// whose regular expression matches, so the same rules fire with and
// without it; checked on many random questions built from the rules' own
// words, negations and everyday words.
func TestTriageNeedlesExact(t *testing.T) {
	tr := DefaultTriage()
	words := strings.Fields("i my me the a and in to of with after no not without never don't can't cannot " +
		"back pain hurts neck leg legs arm chest jaw fever chills fell fall car crash accident weak numb " +
		"groin bladder bowel control lost lose wet myself bed kill end it all life die suicide want live " +
		"cancer chemo weight loss spine lumbar knee foot walk stand tingling pins needles between bum " +
		"massage help sore tight pressure spreading heart attack tailbone landed on hit by trouble peeing " +
		"self-harm cutting better off dead go on losing a lot of toilet stool accidents leaking")
	rng := rand.New(rand.NewPCG(1, 2))
	plain := withoutNeedles(tr)
	fired := 0
	for n := 0; n < 2000; n++ {
		ws := make([]string, 2+rng.IntN(9))
		for i := range ws {
			ws[i] = words[rng.IntN(len(words))]
		}
		q := strings.Join(ws, " ")
		s := normalizeForRules(q)
		for _, r := range tr.rules {
			for gi, g := range r.all {
				if g.MatchString(s) && r.needles[gi] != nil && !containsAny(s, r.needles[gi]) {
					t.Fatalf("rule %s group %d matches %q but none of its needles %q occurs", r.id, gi+1, s, r.needles[gi])
				}
			}
		}
		a, ok := tr.Check(q)
		b, okb := plain.Check(q)
		if a != b || ok != okb {
			t.Fatalf("Check(%q): got %+v %v with needles, %+v %v without", q, a, ok, b, okb)
		}
		if ok {
			fired++
		}
	}
	if fired < 100 {
		t.Fatalf("%d random questions fired a rule; too few for the check to prove much", fired)
	}
}

// withoutNeedles is t with the literal prefilter off.
func withoutNeedles(t *Triage) *Triage {
	c := *t
	c.rules = append([]rule(nil), t.rules...)
	for i := range c.rules {
		c.rules[i].needles = make([][]string, len(c.rules[i].all))
	}
	return &c
}

// BenchmarkTriageCheck runs the bundled rules on everyday questions (none
// fires) and a few urgent ones.
func BenchmarkTriageCheck(b *testing.B) {
	tr := DefaultTriage()
	qs := []string{
		"How does massage relieve low back pain?",
		"is masage good for chronic back pain",
		"Where can I find a licensed massage therapist?",
		"Is tingling in my legs a sign of chronic back pain?",
		"back pain with fever",
		"I fell down the stairs and now my back hurts",
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		tr.Check(qs[i%len(qs)])
	}
}
