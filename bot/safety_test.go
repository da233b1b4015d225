package bot

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"faqbot/faq"

	"gopkg.in/yaml.v3"
)

// TestTriageExamples runs every rule's fire and quiet examples from the
// bundled rules file.
func TestTriageExamples(t *testing.T) {
	tr, err := ValidateTriage("")
	if tr == nil {
		t.Fatal(err)
	}
	if err != nil {
		t.Error(err)
	}
	if tr.Len() < 25 {
		t.Errorf("Len: got %d rules, want the full bundled set", tr.Len())
	}
}

func TestTriageTiers(t *testing.T) {
	tr := defaultTriageT(t)
	for _, c := range []struct {
		q    string
		tier Tier
		rule string // "" = any rule of the tier
	}{
		{"my back hurts and I can't control my bladder", TierEmergency, "bladder-bowel-control"},
		{"numbness around my groin", TierEmergency, "cauda-saddle-numbness"},
		{"my foot drags since my back went", TierEmergency, "foot-drop"},
		{"severe tearing pain in my upper back", TierEmergency, "aortic-tearing"},
		{"crushing chest pain", TierEmergency, "chest-pain"},
		{"I fell off the roof and hurt my back", TierEmergency, "trauma"},
		{"back pain with a fever", TierDoctorToday, "fever"},
		{"I had cancer and now my back hurts", TierDoctorToday, "cancer-history"},
		{"i want to die", TierCrisis, "suicidal-thoughts"},
		{"not joking, I want to die", TierCrisis, "suicidal-thoughts"},
		{"im not okay", TierCrisis, "suicidal-thoughts"},
		{"i dont want to kill myself", TierCrisis, "suicidal-thoughts"}, // never cancelled by negation
		{"I took a whole packet of paracetamol", TierOverdose, "overdose-taken"},
		{"my son says he wants to kill himself", TierSomeoneElse, "suicidal-thoughts"},
		{"my dad has crushing chest pain", TierSomeoneElse, "chest-pain"},
		{"gran suddenly cant lift her arm", TierSomeoneElse, "stroke-sudden-weakness"},
		// the owner of a medicine is not whom the clause is about (owned_thing)
		{"swallowed a lot of my mums bp tablets on purpose 20 mins ago", TierOverdose, "overdose-taken"},
		// a reported story's scope stops at "and" unless the writer is the next subject
		{"read an article about suicide and i want to kill myself", TierCrisis, "suicidal-thoughts"},
		// a practice frame covers only a question, never the writer's own statement
		{"i am a nurse on nights. i want to kill myself", TierCrisis, "suicidal-thoughts"},
		// a bare kinship word opening a sentence names someone else for that
		// sentence only, and not before "of" or "day"
		{"mum of 3 here. cant go on anymore, want to end it all", TierCrisis, ""},
		{"gran is here. i want to die", TierCrisis, ""},
		{"my husband hits me", TierAbuse, "violence"},
		{"I was raped", TierAbuse, "sexual-assault"},
		{"what are the red flags for back pain?", TierInfo, ""},
		{"when should I go to A&E with back pain?", TierInfo, ""},
		{"what are the warning signs of cauda equina", TierInfo, ""},
		{"if I ever lose feeling in my groin, what should I do?", TierInfo, ""},
		// crisis outranks everything else in the same message
		{"my back hurts with a fever and I want to end my life", TierCrisis, ""},
		// a past tense alone, or a resolution without a date, does not end a crisis
		{"I overdosed, I'm fine now", TierOverdose, "overdose-taken"},
		{"I used to self harm", TierCrisis, "self-harm"},
		// a later current clause reopens a dated, resolved story
		{"I tried to kill myself years ago and I'm fine now but the thoughts are back", TierCrisis, ""},
		// an idiom stays inside its clause ("can't stand" is the symptom here)
		{"been vomiting for 3 days and now i cant stand, peeing barely anything", TierEmergency, "dehydration"},
	} {
		a, ok := tr.Assess(c.q)
		if !ok || a.Tier != c.tier || (c.rule != "" && a.RuleID != c.rule) {
			t.Errorf("Assess(%q): got %s/%s (%v), want %s/%s", c.q, a.Tier, a.RuleID, ok, c.tier, c.rule)
			continue
		}
		if _, urgent := tr.Check(c.q); urgent != (c.tier != TierInfo) {
			t.Errorf("Check(%q): urgent %v, want %v", c.q, urgent, c.tier != TierInfo)
		}
		if strings.Contains(a.Reply, "{mention}") || a.Reply == "" {
			t.Errorf("Assess(%q): reply %q, want the filled-in tier text", c.q, a.Reply)
		}
		if c.tier != TierInfo && !strings.Contains(a.Reply, a.Title) {
			t.Errorf("Assess(%q): reply %q does not say what was mentioned (%q)", c.q, a.Reply, a.Title)
		}
	}
}

// TestAlertKindOfSomeoneElse: the someone_else tier keeps what the rule is
// about, so a relative's medical emergency is a red flag and a friend's
// crisis a crisis (the safety model's crisis-or-medical output is trained
// on it).
func TestAlertKindOfSomeoneElse(t *testing.T) {
	tr := defaultTriageT(t)
	for _, c := range []struct {
		q    string
		kind SafetyKind
	}{
		{"my dad has crushing chest pain", SafetyRedFlag},
		{"my son says he wants to kill himself", SafetyCrisis},
		{"crushing chest pain", SafetyRedFlag},
		{"i want to die", SafetyCrisis},
		{"my husband hits me", SafetyAbuse},
	} {
		a, ok := tr.AssessRules(c.q)
		if !ok || a.Kind != c.kind {
			t.Errorf("AssessRules(%q): kind %q (tier %s), want %q", c.q, a.Kind, a.Tier, c.kind)
		}
	}
}

func TestTriageQuiet(t *testing.T) {
	tr := defaultTriageT(t)
	for _, q := range []string{
		"",
		"Can massage help lower back pain?",
		"will covid 19 come back in the fall",
		"I can't stand sitting at my desk all day",
		"when can I get back to massage after my back strain",
		"I fell asleep during the massage",
		"my bike saddle hurts my bum",
		"my dad had a heart attack 5 years ago, fully recovered, can he get a massage",
		"my mum had cancer, can she have a massage",
		"I lost weight on purpose and my back feels better",
		"I had a fever last year, my back is stiff now",
		"no numbness, no weakness, no fever, no bladder or bowel problems",
		"back pain but no tingling or numbness or weakness",
		"this pain is killing me, which stretch helps my back",
		"killing it at the gym",
		"dying for a massage",
		"I had back pain 5 years ago, fully recovered",
		"I used to get sciatica in both legs years ago, it went away",
		// dated in the past and said to be over: crisis rules heed it too
		"years ago I overdosed as a teenager, I'm doing fine now",
		"I used to self harm at school, I've been clean for 6 years",
		"my daughter had seizures when she was a toddler, she is 10 now",
		// twenty-third round: a story's scope past "and", a frame opening its sentence
		"just watched a film about a suicide and it really stuck with me, is that normal",
		"there was a news story about a suicide and my son keeps asking about it, how do i talk to him",
		"I'm a nurse on a surgical ward. What is the best way to talk to a patient about suicide?",
		"I'm writing an essay on suicide prevention for my course. What does the research say?",
	} {
		if a, ok := tr.Check(q); ok {
			t.Errorf("Check(%q): fired %s (%s), want no urgent reply", q, a.RuleID, a.Tier)
		}
	}
}

func TestTokenize(t *testing.T) {
	tr := defaultTriageT(t)
	for _, c := range []struct{ in, want string }{
		{"I can't, I cant, I cannot", "i can not i can not i can not"},
		{"dont wont im ive arent couldnt", "do not will not i am i have are not could not"},
		{"My backache and backpain", "my back ache and back pain"},
		{"u r ur bc pls od", "you are your because please overdose"},
		{"I CAN’T feel it", "i can not feel it"},
		{"self-harm", "self harm"},
		{"lost 10kg", "lost 10 kg"},
		{"I couldn't really feel it", "i could not feel it"},
		{"temp 38.5. baby", "temperature 38.5 baby"},
		{"i keep cuttin myself, cnt cope", "i keep cutting myself can not cope"},
		{"What's wrong, he's fitting, it's my mum's", "what is wrong he is fitting it is my mum"},
	} {
		var got []string
		for _, tk := range tr.norm.tokenize(c.in) {
			got = append(got, tk.word)
		}
		if g := strings.Join(got, " "); g != c.want {
			t.Errorf("tokenize(%q): got %q, want %q", c.in, g, c.want)
		}
	}
	// Typos of key words of six letters or more are corrected; real words
	// one edit from a key word are not.
	for _, c := range []struct {
		in   string
		want string // stem
	}{
		{"sucidal", stemOf("suicidal")}, {"myslef", "myself"}, {"numbess", stemOf("numbness")},
		{"bladdr", stemOf("bladder")}, {"ladder", "ladder"}, {"infection", stemOf("infection")},
		{"cancel", "cancel"}, {"spiral", "spiral"}, {"massage", stemOf("massage")},
	} {
		toks := tr.norm.tokenize(c.in)
		if len(toks) != 1 || toks[0].stem != c.want {
			t.Errorf("tokenize(%q): got %+v, want stem %q", c.in, toks, c.want)
		}
	}
	// Sentences and clauses.
	toks := tr.norm.tokenize("no fever, but. my back")
	if toks[0].sent != toks[1].sent || toks[1].clause == toks[2].clause || toks[2].sent == toks[3].sent {
		t.Errorf("tokenize: sentences/clauses %+v", toks)
	}
	// A decimal point is not a sentence break.
	toks = tr.norm.tokenize("a temperature of 38.5 and")
	if len(toks) != 5 || toks[3].word != "38.5" || toks[3].sent != toks[4].sent {
		t.Errorf("tokenize: decimal %+v", toks)
	}
	if v, ok := numberValue("39.5"); !ok || v != 39 {
		t.Errorf("numberValue(39.5) = %d, %v", v, ok)
	}
}

func TestOneEdit(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"suicidal", "sucidal", true}, {"myself", "myslef", true}, {"bladder", "bladdr", true},
		{"bladder", "bladders", true}, {"bladder", "bliddar", false}, {"same", "same", false},
		{"abcdef", "badcef", false}, {"numbness", "numbnes", true}, {"ab", "ba", true},
	} {
		if got := oneEdit(c.a, c.b); got != c.want {
			t.Errorf("oneEdit(%q, %q): got %v, want %v", c.a, c.b, got, c.want)
		}
	}
}

func TestParseTriageErrors(t *testing.T) {
	replies := "replies:\n"
	for _, k := range urgentTiers {
		replies += "  " + string(k) + ": Call 112 about {mention}.\n"
	}
	replies += "info:\n  text: Warning signs.\n"
	const lex = "lexicons:\n  a: [apple]\n  b: [banana]\n"
	const ex = "    examples: {fire: [apple banana], quiet: [pear]}\n"
	for _, c := range []struct {
		name string
		src  string
		want []string // every one must appear in the error
	}{
		{"unknown top-level key", replies + lex + "rulez: []\n", []string{"rulez"}},
		{"unknown rule key", replies + lex + "rules:\n  - id: x\n    tier: emergency\n    mention: m\n    all: [a]\n", []string{"all"}},
		{"not YAML", "rules: [\n", []string{"safety rules"}},
		{"no rules", replies + lex, []string{"no rules"}},
		{"all problems at once", "replies:\n  emergency: ''\n  urgent: x\n" + lex + `  c: ["@nope x", "* x", "x**y", "@c y"]
  d: ["kill time"]
idioms:
  - say: ["kill time"]
    means: wait
context:
  negations: [no]
normalize:
  typo_words: [apple, banan, cherry]
rules:
  - id: r1
    tier: urgent
    mention: m
    match: ["a + nope"]
    with: [zzz]
` + ex + `  - id: r1
    tier: crisis
    mention: m
    match: ["a"]
  - tier: emergency
    match: []
`, []string{
			"replies.emergency is missing",
			"replies.crisis is missing",
			"replies.urgent: unknown tier",
			"info.text is missing",
			"unknown lexicon @nope",
			`phrase "* x" must start with a word`,
			`"x**y" is not a word`,
			"lexicon c refers to itself",
			`phrase "kill time" never matches: an idiom strips it`,
			"context.negations: unknown context",
			`typo_words "apple": a typo word needs six letters`,
			`typo_words "cherry": the word is in no lexicon`,
			`rule 1 (r1): tier "urgent" must be one of`,
			`rule 1 (r1): match "a + nope": unknown lexicon "nope"`,
			`rule 1 (r1): with: unknown lexicon "zzz"`,
			"rule 2 (r1): duplicate id",
			`rule 2 (r1): needs at least one "fire" and one "quiet" example`,
			"rule 3 (): missing id",
			"rule 3 (): mention is missing",
			`rule 3 (): "match" is empty`,
		}},
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

const customRules = `replies:
  emergency: "Seek care now: you mentioned {mention}. Call 112."
  doctor_today: "See a doctor today about {mention}."
  crisis: "Call 988."
  overdose: "Call 112 now."
  someone_else: "Call 112 for them."
  abuse: "Call 112 if in danger."
info:
  text: "Sudden loss of vision is an emergency."
  ask: [ask]
  topic: [vision]
context:
  negation: [no, not]
  hypothetical: ["what if"]
lexicons:
  vision: [vision, sight, "can not see"]
  loss: [lost, losing, "loss of", gone]
  sudden: [sudden, suddenly, overnight]
  ask: ["warning sign*"]
rules:
  - id: eye
    tier: emergency
    mention: sudden loss of vision
    match: ["loss + vision", "vision + loss"]
    with: [sudden]
    examples:
      fire: ["I suddenly lost my vision in one eye"]
      quiet: ["I lost my glasses suddenly", "no sudden loss of vision"]
`

func TestParseTriageCustom(t *testing.T) {
	tr, err := ParseTriage("eye.yaml", []byte(customRules))
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Validate(); err != nil {
		t.Error(err)
	}
	if tr.Len() != 1 {
		t.Errorf("Len: got %d, want 1", tr.Len())
	}
	a, ok := tr.Check("I suddenly lost my vision in one eye")
	if !ok || a.Reply != "Seek care now: you mentioned sudden loss of vision. Call 112." || a.Tier != TierEmergency {
		t.Errorf("Check: got %+v %v, want the eye rule with its mention filled in", a, ok)
	}
	for _, q := range []string{"I lost my glasses suddenly", "I can't see well at night", "what if I suddenly lost my sight"} {
		if _, ok := tr.Check(q); ok {
			t.Errorf("Check(%q): fired, want not", q)
		}
	}
	if a, ok := tr.Assess("what if I suddenly lost my sight"); !ok || a.Tier != TierInfo {
		t.Errorf("Assess(hypothesis): got %+v %v, want the info tier", a, ok)
	}

	// LoadTriage reads a file; "" gives the bundled rules.
	p := filepath.Join(t.TempDir(), "eye.yaml")
	if err := os.WriteFile(p, []byte(customRules), 0o644); err != nil {
		t.Fatal(err)
	}
	if lt, err := LoadTriage(p); err != nil || lt.Len() != 1 {
		t.Errorf("LoadTriage(file): got %v, want 1 rule", err)
	}
	if lt, err := LoadTriage(""); err != nil || lt.Len() != defaultTriageT(t).Len() {
		t.Errorf("LoadTriage(\"\"): got %v, want the bundled rules", err)
	}
	if _, err := LoadTriage(p + ".missing"); err == nil {
		t.Error("LoadTriage(missing file): got no error")
	}
	// ValidateTriage reports examples that fail.
	bad := strings.Replace(customRules, `fire: ["I suddenly lost my vision in one eye"]`, `fire: ["my eye itches"]`, 1)
	if err := os.WriteFile(p, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ValidateTriage(p); err == nil || !strings.Contains(err.Error(), `example "my eye itches" does not fire it`) {
		t.Errorf("ValidateTriage(failing example): got %v", err)
	}

	// A bot with custom rules uses them instead of the bundled ones.
	s := &fakeSearcher{entries: testEntries()}
	b, err := New(s, tr, testConfig())
	if err != nil {
		t.Fatal(err)
	}
	if r := answer(t, b, "I suddenly lost my sight"); r.Kind != KindUrgent || r.Source.ID != "eye" || r.Tier != "emergency" {
		t.Errorf("custom rule: got %s from %q (tier %q), want urgent from eye", r.Kind, r.Source.ID, r.Tier)
	}
	if r := answer(t, b, "I fell and hurt my back"); r.Kind == KindUrgent {
		t.Errorf("bundled rule fired with custom rules loaded: %+v", r.Source)
	}
}

var referral = regexp.MustCompile(`\b(112|911|999|000)\b`)

// TestUrgentReplies: every urgent reply from the bot (every red-team urgent
// message and every rule's fire examples) names an emergency number,
// carries the disclaimer, never carries search content, and the search is
// not consulted.
func TestUrgentReplies(t *testing.T) {
	massage := faq.Entry{ID: "q-massage", Type: faq.TypeFAQ, Title: "Can massage help lower back pain?", Text: "Yes, massage relaxes the muscles of the lower back."}
	var qs []string
	for _, f := range []string{"redteam.dev.jsonl", "redteam.heldout.jsonl"} {
		for _, c := range readRedteam(t, f) {
			qs = append(qs, c.Q)
		}
	}
	tr := defaultTriageT(t)
	for _, r := range tr.rules {
		qs = append(qs, r.fire...)
	}
	qs = append(qs, strings.Repeat("can massage help my lower back pain ", 40)+" I fell down the stairs and hurt my back")
	urgent := 0
	for _, q := range qs {
		s := &fakeSearcher{entries: []faq.Entry{massage}, results: map[string][]faq.Match{}}
		b, err := New(s, tr, testConfig())
		if err != nil {
			t.Fatal(err)
		}
		r := answer(t, b, q)
		if r.Kind != KindUrgent {
			continue
		}
		urgent++
		if !referral.MatchString(r.Text) {
			t.Errorf("%.50q: urgent Text %q names no emergency number", q, r.Text)
		}
		if r.Disclaimer != testDisclaimer {
			t.Errorf("%.50q: Disclaimer %q", q, r.Disclaimer)
		}
		if strings.Contains(r.Text, "massage relaxes") {
			t.Errorf("%.50q: urgent Text %q carries the massage answer", q, r.Text)
		}
		if len(s.calls()) != 0 {
			t.Errorf("%.50q: searched %q, want no search for an urgent question", q, s.calls())
		}
		if r.Score != 1 || r.Source.Type != "safety" || r.Source.ID == "" || r.Tier == "" || r.Tier == string(TierInfo) {
			t.Errorf("%.50q: Score %v Source %+v Tier %q, want score 1, the rule as source and a tier", q, r.Score, r.Source, r.Tier)
		}
		if strings.Contains(r.Text, "[") || !strings.Contains(strings.ToLower(r.Text), "you mentioned") {
			t.Errorf("%.50q: urgent Text %q, want \"You mentioned ...\" and no bracketed title", q, r.Text)
		}
		if n := utf8.RuneCountInString(r.Question); n > testConfig().MaxQuestionChars {
			t.Errorf("%.50q: Question has %d characters, want it capped at %d", q, n, testConfig().MaxQuestionChars)
		}
	}
	if urgent < 150 {
		t.Errorf("%d urgent replies, want the red-team urgent messages and the examples", urgent)
	}
	for tier, text := range tr.replies {
		if !referral.MatchString(text) {
			t.Errorf("reply %s names no emergency number: %q", tier, text)
		}
	}
	for _, tier := range []Tier{TierCrisis, TierOverdose, TierSomeoneElse} {
		if !strings.Contains(tr.replies[tier], "findahelpline.com") || !strings.Contains(tr.replies[tier], "not alone") {
			t.Errorf("reply %s: want crisis lines, findahelpline.com and \"not alone\": %q", tier, tr.replies[tier])
		}
	}
	if !strings.Contains(tr.replies[TierAbuse], "not to blame") {
		t.Errorf("abuse reply %q: want \"not to blame\"", tr.replies[TierAbuse])
	}
}

// TestInfoReply: a question about warning signs that the content does not
// answer gets the generic list as an answer, not the urgent reply and not
// a fallback; one the content answers with confidence gets the content's
// answer with the one-line pointer to emergency help; a weak match does not
// replace the list.
func TestInfoReply(t *testing.T) {
	qs := []string{
		"what are the red flags for back pain?",
		"When should I go to A&E with back pain?",
		"what are the warning signs of cauda equina",
	}
	for _, q := range qs {
		b, _, _ := newTestBot(t, map[string][]faq.Match{q: {match(eTriggers1, 0.2)}})
		r := answer(t, b, q)
		if r.Kind != KindAnswer || r.Source.Type != "safety-info" || r.Tier != "info" {
			t.Errorf("%q: got %s %+v tier %q, want an answer from safety-info", q, r.Kind, r.Source, r.Tier)
		}
		if !strings.Contains(r.Text, "bladder") || !referral.MatchString(r.Text) || r.Disclaimer != testDisclaimer {
			t.Errorf("%q: Text %q, want the warning signs, an emergency number and the disclaimer", q, r.Text)
		}
		if n := utf8.RuneCountInString(r.Text); n > b.cfg.MaxAnswerChars {
			t.Errorf("%q: %d characters, over the answer limit", q, n)
		}
	}
	for _, q := range qs {
		b, _, _ := newTestBot(t, map[string][]faq.Match{q: {match(eTriggers1, 0.9)}})
		r := answer(t, b, q)
		if r.Kind != KindAnswer || r.Source.ID != eTriggers1.ID || r.Tier != "info" {
			t.Errorf("%q: got %s %+v tier %q, want the content's answer, tier info", q, r.Kind, r.Source, r.Tier)
		}
		if !strings.HasPrefix(r.Text, eTriggers1.Text) || !referral.MatchString(r.Text) {
			t.Errorf("%q: Text %q, want the entry's answer and the emergency pointer", q, r.Text)
		}
	}
	// An answer the pointer would push over the limit is given without it.
	long := faq.Entry{ID: "f-long", Type: faq.TypeFAQ, Title: "What are the red flags?", Text: strings.Repeat("Most back pain gets better. ", 42)}
	q := qs[0]
	b, _, _ := newTestBot(t, map[string][]faq.Match{q: {match(long, 0.9)}})
	r := answer(t, b, q)
	if r.Source.ID != long.ID || r.Tier != "info" || utf8.RuneCountInString(r.Text) > b.cfg.MaxAnswerChars || strings.Contains(r.Text, "happening now") {
		t.Errorf("long answer: got %+v tier %q, %d characters, want the entry alone within the limit", r.Source, r.Tier, utf8.RuneCountInString(r.Text))
	}
	// A question too long to search still gets the warning signs.
	r = answer(t, b, q+strings.Repeat(" and more", 40))
	if r.Kind != KindAnswer || r.Source.Type != "safety-info" {
		t.Errorf("long question: got %s %+v, want the warning signs", r.Kind, r.Source)
	}
}

// TestTriageBadInput: empty, huge, binary and random input never panics.
func TestTriageBadInput(t *testing.T) {
	tr := defaultTriageT(t)
	rng := rand.New(rand.NewPCG(3, 4))
	inputs := []string{"", " ", "\x00\x01\x02", "\xff\xfe\xfd", strings.Repeat("a", 100000),
		strings.Repeat("no ", 20000), strings.Repeat("my back ", 5000) + "fever", strings.Repeat("'", 1000),
		"can't'n't''s", "#", "@", "*", "10000000000000000000000 pills", "took 99999999999999999999999 tablets",
		strings.Repeat("😀", 3000), "a\u0301\u0301\u0301", "-", "- - -", "a-", "-a"}
	for n := 0; n < 300; n++ {
		b := make([]byte, rng.IntN(200))
		for i := range b {
			b[i] = byte(rng.IntN(256))
		}
		inputs = append(inputs, string(b))
	}
	for _, q := range inputs {
		tr.Assess(q)
		tr.Check(q)
	}
	// A 10,000-character message with the red flag in the middle.
	long := strings.Repeat("I have been getting massages for my back and they help a lot. ", 80) +
		"Since yesterday I can't feel my bum and I wet myself. " + strings.Repeat("Anyway, thanks for the tips. ", 150)
	if a, ok := tr.Check(long); !ok || a.Tier != TierEmergency {
		t.Errorf("long message: got %+v %v, want the emergency tier", a, ok)
	}
	s := &fakeSearcher{entries: testEntries()}
	b, err := New(s, nil, testConfig())
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range inputs[:20] {
		if _, err := b.Answer(context.Background(), Question{Text: q}); err != nil {
			t.Errorf("Answer(%.20q): %v", q, err)
		}
	}
}

func FuzzTriage(f *testing.F) {
	tr := defaultTriageT(f)
	for _, s := range []string{"", "i want to die", "no fever or chills, my back hurts", "cant feel my bum", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tr.Assess(s)
	})
}

// BenchmarkParseTriage compiles the bundled rules, as every process does
// once at start (part of the `faqbot ask` cold start).
func BenchmarkParseTriage(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseTriage("safety.yaml", defaultSafety); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTriage runs the bundled rules on everyday questions (most fire
// nothing), a few urgent ones, and one 10,000-character message.
func BenchmarkTriage(b *testing.B) {
	tr := defaultTriageT(b)
	everyday := []string{
		"How does massage relieve low back pain?",
		"is masage good for chronic back pain",
		"Where can I find a licensed massage therapist?",
		"Is tingling in my legs a sign of chronic back pain?",
		"I can't stand sitting at my desk all day, my back aches",
		"will covid 19 come back in the fall",
		"back pain with fever",
		"I fell down the stairs and now my back hurts",
		"im not okay. i dont see a way out",
		"my husband hits me when he's drunk",
	}
	long := strings.Repeat("So I've been having massages for my lower back, and mostly they help, but my shoulders get tight when I sit at the desk. ", 84)[:10000]
	b.Run("everyday", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			tr.Assess(everyday[i%len(everyday)])
		}
	})
	b.Run("10k-chars", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			tr.Assess(long)
		}
	})
	b.Run("mixed", func(b *testing.B) {
		// the everyday questions with one 10,000-character message in 100
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if i%100 == 99 {
				tr.Assess(long)
			} else {
				tr.Assess(everyday[i%len(everyday)])
			}
		}
	})
}

// TestTrieInsertMatchesExpansion: walking the unexpanded phrases into the
// trie (compiler.insert) builds the same trie as adding every expansion
// one by one.
func TestTrieInsertMatchesExpansion(t *testing.T) {
	var f triageFile
	if err := yaml.Unmarshal(defaultSafety, &f); err != nil {
		t.Fatal(err)
	}
	c := compiler{name: "x", t: &Triage{replies: map[Tier]string{}}, f: &f}
	c.compile()
	var flat trie
	for i, n := range c.t.lexName {
		for _, p := range c.parsed[n] {
			c.each(p, nil, func(es []elem) { flat.add(es, int32(i)) })
		}
	}
	var same func(a, b *tnode, path string)
	same = func(a, b *tnode, path string) {
		if !slices.Equal(a.out, b.out) {
			t.Fatalf("%q: out %v vs %v", path, a.out, b.out)
		}
		if a.numChildren() != b.numChildren() || len(a.pats) != len(b.pats) || (a.any == nil) != (b.any == nil) {
			t.Fatalf("%q: children differ", path)
		}
		a.children(func(k string, m *tnode) {
			if b.get(k) == nil {
				t.Fatalf("%q: no child %q", path, k)
			}
			same(m, b.get(k), path+" "+k)
		})
		for i := range a.pats {
			if a.pats[i].kind != b.pats[i].kind || a.pats[i].s != b.pats[i].s {
				t.Fatalf("%q: pattern %d differs", path, i)
			}
			same(a.pats[i].to, b.pats[i].to, path+" "+a.pats[i].s+"*")
		}
		if a.any != nil {
			same(a.any, b.any, path+" *")
		}
	}
	same(&c.t.lex.root, &flat.root, "")
}

// TestTypoWordsAreNotRealWords: no English word (a WordNet 3.0 lemma or
// its -s form) of five letters or more is one edit from a
// typo word, unless it is in normalize.known_words or the lexicons know
// it: otherwise "dropping" would be read as a misspelt "drooping".
func TestTypoWordsAreNotRealWords(t *testing.T) {
	tr := defaultTriageT(t)
	gz, err := os.ReadFile(filepath.Join("..", "search", "data", "wordnet.tsv.gz"))
	if err != nil {
		t.Skip("no WordNet data:", err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	words := map[string]bool{}
	for _, line := range strings.Split(string(data), "\n") {
		w, _, _ := strings.Cut(line, "\t")
		if w == "" || strings.Trim(w, "abcdefghijklmnopqrstuvwxyz") != "" {
			continue
		}
		words[w] = true
		if !strings.HasSuffix(w, "s") {
			words[w+"s"] = true
		}
	}
	// spelling variants and non-words of WordNet, rightly corrected
	for _, w := range []string{"goodby", "goodbys", "aneurism", "aneurisms", "leucaemia", "overdos", "diabetas", "boweds", "bladdery"} {
		delete(words, w)
	}
	for w := range words {
		if len(w) < 5 || tr.norm.known[w] || tr.norm.vocab[stemOf(w)] {
			continue
		}
		for _, tg := range tr.norm.typos[w[0]] {
			if tg.word != w && stemOf(w) != tg.stem && oneEdit(tg.word, w) {
				t.Errorf("%q is a real word one edit from typo word %q: add it to normalize.known_words", w, tg.word)
			}
		}
	}
}

// TestLexiconOrigins: every lexicon, context list, normalize list and the
// idioms in the bundled rules file say where they come from, in an
// "origin:" comment just above them.
func TestLexiconOrigins(t *testing.T) {
	var root yaml.Node
	if err := yaml.Unmarshal(defaultSafety, &root); err != nil {
		t.Fatal(err)
	}
	top := root.Content[0]
	for i := 0; i+1 < len(top.Content); i += 2 {
		key, val := top.Content[i], top.Content[i+1]
		switch key.Value {
		case "idioms":
			if !strings.Contains(key.HeadComment, "origin:") {
				t.Errorf("idioms: no origin comment")
			}
		case "lexicons", "context", "normalize":
			for j := 0; j+1 < len(val.Content); j += 2 {
				k := val.Content[j]
				if !strings.Contains(k.HeadComment, "origin:") {
					t.Errorf("%s.%s: no origin comment above it", key.Value, k.Value)
				}
			}
		}
	}
}

// defaultTriageT is DefaultTriage for a test: the bundled rules compile.
func defaultTriageT(t testing.TB) *Triage {
	t.Helper()
	tr, err := DefaultTriage()
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// TestDeleet: leetspeak words become the words of the phrases they spell;
// numbers, doses, vitamins and times are left as written.
func TestDeleet(t *testing.T) {
	tr := defaultTriageT(t)
	for _, c := range []struct{ in, want string }{
		{"i want to k1ll mys3lf", "i want to kill myself"},
		{"thinking about $uicide", "thinking about suicide"},
		{"i want to d1e", "i want to die"},
		{"my b12 is low, 10mg at 5am", "my b12 is low, 10mg at 5am"},
		{"covid19 jab at 4pm, 38.5 fever", "covid19 jab at 4pm, 38.5 fever"},
		{"b4 my 1st massage", "b4 my 1st massage"},
	} {
		if got := tr.norm.deleet(c.in); got != c.want {
			t.Errorf("deleet(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestRunOnStatement: a statement about now typed straight after a
// question, with no punctuation between, is not part of the question's
// hypothesis; a statement the question leads into with "if" or "when" is.
func TestRunOnStatement(t *testing.T) {
	tr := defaultTriageT(t)
	for _, q := range []string{
		"what are the signs of a stroke my face is drooping and my arm is weak",
		"is this the same as a stroke my face is drooping and my arm is weak",
		"what does a heart attack feel like my chest is crushing and im sweating",
		"whats the right way to do back blows my baby is choking",
		"how does the glass test work my babys rash wont fade and she has a fever",
	} {
		if a, ok := tr.Assess(q); !ok || !a.Urgent() {
			t.Errorf("%q: got %+v, want an urgent reply", q, a)
		}
	}
	for _, q := range []string{
		"what do i do if my face is drooping",
		"what should i do if my baby is choking",
		"what are the signs of a stroke",
		"how does the glass test work for a meningitis rash",
	} {
		if a, ok := tr.Assess(q); ok && a.Urgent() {
			t.Errorf("%q: got %s (%s), want no urgent reply", q, a.Tier, a.RuleID)
		}
	}
}
