package bot

import (
	_ "embed"
	"errors"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"
)

// The safety triage runs before search on every message. It works the way
// clinical NLP rule systems do (NegEx and ConText, Chapman et al.):
//
//  1. normalize: lower case, contractions with and without apostrophes,
//     abbreviations and compounds rewritten, Porter stems, one-edit typos
//     of key words corrected; split into sentences and clauses;
//  2. strip idioms ("this pain is killing me" -> "this pain hurts",
//     "fell asleep", "in the fall") before any rule sees the words;
//  3. find every phrase of every lexicon (body areas, numbness, toilet
//     words, crisis phrases ...) and of the context lexicons (negation,
//     pseudo-negation, history, hypothesis, who);
//  4. give each word its context: negated (to the end of its clause, across
//     "or" lists), historical or resolved, hypothetical, about someone else;
//  5. fire the rules: concept A and concept B in the same clause or within
//     N words, on different words, in the right context.
//
// Everything is data in the rules file (bot/data/safety.yaml) and compiled
// once, at load.

//go:embed data/safety.yaml
var defaultSafety []byte

// SafetyKind separates medical red flags from crisis statements and abuse
// disclosures.
type SafetyKind string

// Safety kinds.
const (
	SafetyRedFlag SafetyKind = "redflag"
	SafetyCrisis  SafetyKind = "crisis"
	SafetyAbuse   SafetyKind = "abuse"
)

// Tier is how urgent a safety reply is, and so which reply text it gets.
type Tier string

// The reply tiers. TierInfo is not urgent: it answers a
// question about warning signs ("what are the red flags for back pain?").
const (
	TierOverdose    Tier = "overdose"     // an overdose already taken: emergency care now
	TierCrisis      Tier = "crisis"       // suicidal thoughts, plans, goodbyes, self-harm
	TierSomeoneElse Tier = "someone_else" // a crisis or emergency happening to someone else
	TierAbuse       Tier = "abuse"        // abuse, assault or domestic violence
	TierEmergency   Tier = "emergency"    // a medical emergency: call now
	TierDoctorToday Tier = "doctor_today" // see a doctor today
	TierInfo        Tier = "info"         // a question about warning signs
)

// tierRank orders the tiers when several rules fire: a medical emergency
// outranks an abuse disclosure ("he beat me and I can't feel my legs").
var tierRank = map[Tier]int{
	TierOverdose: 0, TierCrisis: 1, TierSomeoneElse: 2, TierEmergency: 3,
	TierAbuse: 4, TierDoctorToday: 5, TierInfo: 6,
}

// urgentTiers are the tiers whose reply texts the rules file must give.
var urgentTiers = []Tier{TierOverdose, TierCrisis, TierSomeoneElse, TierAbuse, TierEmergency, TierDoctorToday}

// Alert is the outcome of triage on one message.
type Alert struct {
	// RuleID is the rule that fired ("safety-info" for TierInfo).
	RuleID string
	// Title says what the person mentioned, in plain words
	// ("numbness around the groin or bottom").
	Title string
	// Kind is redflag, crisis or abuse: what the rule is about, whoever
	// it happens to (a stroke of someone else is a redflag with the
	// someone_else tier).
	Kind SafetyKind
	// Tier is the reply tier.
	Tier Tier
	// Reply is the reply text.
	Reply string
	// Note, for TierInfo, is a one-line pointer to emergency help that is
	// added to the content's own answer when the content answers the
	// question (Reply is then not used).
	Note string
}

// Urgent reports whether the alert needs the urgent reply (every tier but
// TierInfo).
func (a Alert) Urgent() bool { return a.Tier != "" && a.Tier != TierInfo }

// Triage holds the compiled safety rules. It is safe for concurrent use.
type Triage struct {
	name    string
	norm    normalizer
	idioms  trie
	idiomTo [][]token // replacement tokens by idiom id
	lex     trie      // concept and context lexicons
	lexName []string  // by lexicon id
	role    [numRoles]int32
	// roleOfLex is the context role of each lexicon id, -1 for concepts.
	roleOfLex []int8
	rules     []rule
	replies   map[Tier]string
	pool      *sync.Pool // of *doc; shared by RulesOnly's copy
	info      infoRule
	// model is the second opinion on messages no rule fires on
	// (safetymodel.go); nil: the rules alone.
	model *SafetyModel
}

// Context roles: lexicons under "context:" in the rules file.
const (
	roleNegation = iota
	rolePseudo
	roleClauseBreak
	roleHistorical
	roleResolved
	roleCurrent
	roleHypothetical
	roleOther
	roleSelf
	roleReported
	roleSafeNow
	roleStatement
	roleOtherStart
	roleStudyFrame
	roleQuestionOpen
	roleOwned
	numRoles
)

var roleNames = [numRoles]string{"negation", "pseudo_negation", "clause_break", "historical", "resolved", "current", "hypothetical", "other_person", "self", "reported", "safe_now", "statement", "other_person_start", "study_frame", "question_open", "owned_thing"}

type rule struct {
	id, mention string
	tier        Tier
	// strict rules are cancelled by negation, history and hypotheses;
	// crisis, overdose and abuse rules are not.
	strict bool
	match  [][]int32 // alternatives; each a list of lexicon ids, close together
	with   []int32   // lexicons that must also occur, anywhere
	unless []int32   // a match of these in the same sentence cancels the rule
	past   map[int32]bool
	near   int
	anyone bool // only the first match of an alternative sets the person
	fire   []string
	quiet  []string
}

type infoRule struct {
	title, text, note string
	ask, topic        []int32
}

type triageFile struct {
	Replies map[Tier]string `yaml:"replies"`
	Info    struct {
		Title string   `yaml:"title"`
		Text  string   `yaml:"text"`
		Note  string   `yaml:"note"`
		Ask   []string `yaml:"ask"`
		Topic []string `yaml:"topic"`
	} `yaml:"info"`
	Normalize struct {
		Rewrite map[string]string `yaml:"rewrite"`
		Typos   []string          `yaml:"typo_words"`
		Known   []string          `yaml:"known_words"`
	} `yaml:"normalize"`
	Idioms []struct {
		Say   []string `yaml:"say"`
		Means string   `yaml:"means"`
	} `yaml:"idioms"`
	Context  map[string][]string `yaml:"context"`
	Lexicons map[string][]string `yaml:"lexicons"`
	Rules    []ruleFile          `yaml:"rules"`
}

type ruleFile struct {
	ID      string   `yaml:"id"`
	Tier    Tier     `yaml:"tier"`
	Mention string   `yaml:"mention"`
	Match   []string `yaml:"match"`
	With    []string `yaml:"with"`
	Unless  []string `yaml:"unless"`
	Past    []string `yaml:"past"`
	Near    int      `yaml:"near"`
	// Anyone: only the first lexicon of a match must be about the person
	// the rule is about; the others, and the With lexicons, may be about
	// anyone ("I've written notes for my kids, it's time"; "since the birth
	// my wife hears voices").
	Anyone   bool `yaml:"anyone"`
	Examples struct {
		Fire  []string `yaml:"fire"`
		Quiet []string `yaml:"quiet"`
	} `yaml:"examples"`
}

// maxSpan bounds the length of a phrase match, for windowed search.
const maxSpan = 24

// maxClose is the widest gap, in words, between two concepts of a rule in
// the same clause: a clause of a long message without punctuation is not
// one idea.
func maxClose(near int) int { return 3 * near }

// defaultNear is how many words apart two concepts of a rule may be when
// they are not in the same clause.
const defaultNear = 8

// DefaultTriage returns the bundled safety rules, compiled once and shared
// (a Triage is immutable and safe for concurrent use). It fails only if
// the bundled rules do not compile, a broken build that the tests catch;
// the bot never answers without triage, so callers stop then.
func DefaultTriage() (*Triage, error) { return defaultTriage() }

// DefaultRules returns the bundled safety rules without the safety model:
// what `faqbot train-safety` fits the model around, so that it runs even
// when the bundled model file is from another build's features.
func DefaultRules() (*Triage, error) { return defaultRules() }

var defaultRules = sync.OnceValues(func() (*Triage, error) {
	t, err := ParseTriage("safety.yaml (built in)", defaultSafety)
	if err != nil {
		return nil, fmt.Errorf("bot: bundled safety rules: %w", err)
	}
	return t, nil
})

var defaultTriage = sync.OnceValues(func() (*Triage, error) {
	rules, err := defaultRules()
	if err != nil {
		return nil, err
	}
	t := *rules
	// The model's threshold was chosen with these rules (what they leave
	// alone), so it goes with them only: an operator's own rules file is
	// used alone.
	if t.model, err = defaultModel(); err != nil {
		return nil, fmt.Errorf("bot: bundled %w", err)
	}
	return &t, nil
})

// LoadTriage reads safety rules from a YAML file; "" gives the bundled
// rules. It fails when the file cannot be read or does not compile.
func LoadTriage(path string) (*Triage, error) {
	if path == "" {
		return DefaultTriage()
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("bot: safety rules: %w", err)
	}
	return ParseTriage(path, data)
}

// ValidateTriage loads the rules file at path ("" for the bundled rules)
// and runs every rule's examples. It reports every problem at once: the
// load errors of ParseTriage, then each example that does not do what it
// says. A nil error means the file is safe to serve.
func ValidateTriage(path string) (*Triage, error) {
	t, err := LoadTriage(path)
	if err != nil {
		return nil, err
	}
	return t, t.Validate()
}

// Validate runs every rule's examples: a "fire" example must fire its
// rule, a "quiet" one must not. It returns every failure, joined.
func (t *Triage) Validate() error {
	var errs []error
	for i := range t.rules {
		r := &t.rules[i]
		for _, q := range r.fire {
			if !t.fires(q, r.id) {
				errs = append(errs, fmt.Errorf("%s: rule %s: example %q does not fire it", t.name, r.id, q))
			}
		}
		for _, q := range r.quiet {
			if t.fires(q, r.id) {
				errs = append(errs, fmt.Errorf("%s: rule %s: quiet example %q fires it", t.name, r.id, q))
			}
		}
	}
	return errors.Join(errs...)
}

func (t *Triage) fires(q, id string) bool {
	fs, d := t.evaluate(q)
	defer t.putDoc(d)
	for _, f := range fs {
		if f.rule.id == id && !f.hypothetical {
			return true
		}
	}
	return false
}

// ParseTriage parses and compiles safety rules. Every problem is reported,
// joined: unknown keys, unknown tiers, unknown lexicon names, phrases that
// cannot match, rules without examples, missing reply texts.
func ParseTriage(name string, data []byte) (*Triage, error) {
	var f triageFile
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("bot: safety rules %s: %w", name, err)
	}
	c := compiler{name: name, t: &Triage{name: name, replies: map[Tier]string{}, pool: &sync.Pool{}}, f: &f}
	c.compile()
	if err := errors.Join(c.errs...); err != nil {
		return nil, err
	}
	return c.t, nil
}

// RulesOnly returns the triage without its safety model: the rules alone
// (`safety.model: false`).
func (t *Triage) RulesOnly() *Triage {
	c := *t
	c.model = nil
	return &c
}

// Len is the number of rules.
func (t *Triage) Len() int { return len(t.rules) }

// Check returns the most urgent alert for text, if any rule fires.
// Informational results (TierInfo) are not reported: use Assess.
func (t *Triage) Check(text string) (Alert, bool) {
	a, ok := t.Assess(text)
	if !ok || !a.Urgent() {
		return Alert{}, false
	}
	return a, true
}

// Assess is Check that also reports a question about warning signs, as an
// Alert of TierInfo.
func (t *Triage) Assess(text string) (Alert, bool) { return t.assess(text, true) }

// AssessRules is Assess by the rules alone, without the safety model.
func (t *Triage) AssessRules(text string) (Alert, bool) { return t.assess(text, false) }

func (t *Triage) assess(text string, useModel bool) (Alert, bool) {
	fs, d := t.evaluate(text)
	defer t.putDoc(d)
	best := -1
	for i, f := range fs {
		if f.hypothetical {
			continue
		}
		if best < 0 || tierRank[f.tier] < tierRank[fs[best].tier] {
			best = i
		}
	}
	if best >= 0 {
		b := fs[best]
		mention := b.rule.mention
		// A second finding of the same tier is named too.
		for _, f := range fs {
			if !f.hypothetical && f.tier == b.tier && f.rule.mention != mention {
				mention += ", and " + f.rule.mention
				break
			}
		}
		reply := strings.ReplaceAll(t.replies[b.tier], "{mention}", mention)
		return Alert{RuleID: b.rule.id, Title: b.rule.mention, Kind: kindOf(b.rule.tier), Tier: b.tier, Reply: reply}, true
	}
	if len(fs) > 0 || t.infoAsked(d) {
		return Alert{RuleID: "safety-info", Title: t.info.title, Kind: SafetyRedFlag, Tier: TierInfo, Reply: t.info.text, Note: t.info.note}, true
	}
	if useModel {
		return t.modelAlert(text)
	}
	return Alert{}, false
}

func kindOf(t Tier) SafetyKind {
	switch t {
	case TierCrisis, TierOverdose:
		return SafetyCrisis
	case TierAbuse:
		return SafetyAbuse
	}
	return SafetyRedFlag
}

// firing is one rule that fired on a message.
type firing struct {
	rule *rule
	tier Tier
	// hypothetical: it fired only on words in a hypothetical clause
	// ("if I ever lose feeling in my groin ..."), which calls for the
	// informational reply.
	hypothetical bool
}

// span is one phrase found in a message: tokens [start, end) of a lexicon.
type span struct {
	lex        int32
	start, end int32
}

// doc is a message ready for the rules. Docs are pooled: every slice is
// reused by the next message.
type doc struct {
	toks    []token
	spare   []token  // the other token buffer, for idiom stripping
	byLex   [][]span // concept matches by lexicon id
	roles   [numRoles][]span
	covered []bool  // tokens inside some concept match
	pclause []int32 // clause by punctuation only
	marks   []int8  // scratch, one per token
	clauses []int8  // scratch, one per clause
	memo    map[string]token
}

// grow returns s with length n, zeroed, reusing its array when it can.
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	s = s[:n]
	clear(s)
	return s
}

func (t *Triage) getDoc() *doc {
	if d, ok := t.pool.Get().(*doc); ok {
		return d
	}
	return &doc{byLex: make([][]span, len(t.lexName))}
}

// putDoc returns d to the pool; d must not be used afterwards. Very large
// docs are dropped rather than kept.
func (t *Triage) putDoc(d *doc) {
	if cap(d.toks) > 1<<15 {
		return
	}
	for i := range d.byLex {
		d.byLex[i] = d.byLex[i][:0]
	}
	for i := range d.roles {
		d.roles[i] = d.roles[i][:0]
	}
	t.pool.Put(d)
}

func (t *Triage) analyze(text string) *doc {
	d := t.getDoc()
	if len(text) > 2000 {
		// a long message repeats its words: each unknown one is normalized once
		if d.memo == nil {
			d.memo = make(map[string]token, 256)
		}
		clear(d.memo)
	}
	var memo map[string]token
	if len(text) > 2000 {
		memo = d.memo
	}
	d.toks = t.norm.tokenizeInto(d.toks[:0], text, memo)
	d.toks, d.spare = t.stripIdioms(d.toks, d.spare[:0])
	toks := d.toks
	if len(toks) == 0 {
		return d
	}
	roles := &d.roles
	d.covered = grow(d.covered, len(toks))
	var i int
	visit := func(lex int32, end int) {
		s := span{lex: lex, start: int32(i), end: int32(end)}
		if r := t.roleOfLex[lex]; r >= 0 {
			roles[r] = append(roles[r], s)
			return
		}
		for j := i; j < end; j++ {
			d.covered[j] = true
		}
		// keep the longest match of a lexicon at a start
		if l := d.byLex[lex]; len(l) > 0 && l[len(l)-1].start == s.start {
			if s.end > l[len(l)-1].end {
				l[len(l)-1] = s
			}
			return
		}
		d.byLex[lex] = append(d.byLex[lex], s)
	}
	for i = range toks {
		t.lex.matchAt(toks, i, toks[i].node, visit)
	}
	d.context()
	return d
}

// context renumbers clauses at clause-break words and sets each token's
// negation, history, hypothesis and experiencer flags.
func (d *doc) context() {
	n := len(d.toks)
	d.pclause = grow(d.pclause, n)
	d.marks = grow(d.marks, n)
	nclauses := d.breakClauses()
	d.markNegated()
	d.markHistorical(nclauses)
	d.markHypothetical()
	d.markReported()
	d.markFramed()
	d.markOther()
}

// breakClauses keeps the clauses by punctuation in d.pclause and
// renumbers the tokens' clauses so that a clause-break word starts a new
// one; it returns the number of clauses.
func (d *doc) breakClauses() int32 {
	toks := d.toks
	breakAt := d.marks
	for _, s := range d.roles[roleClauseBreak] {
		breakAt[s.start] = 1
	}
	var c int32
	for i := range toks {
		d.pclause[i] = toks[i].clause
		if i > 0 && (d.pclause[i] != d.pclause[i-1] || breakAt[i] == 1) {
			c++
		}
		toks[i].clause = c
	}
	return c + 1
}

// markNegated flags the words a negation trigger covers: from the trigger
// to the end of its clause, at most 8 words. Pseudo-negations ("no one",
// "not only") are never triggers.
func (d *doc) markNegated() {
	toks, n := d.toks, int32(len(d.toks))
	pseudo := grow(d.marks, len(toks))
	for _, s := range d.roles[rolePseudo] {
		for j := s.start; j < s.end; j++ {
			pseudo[j] = 1
		}
	}
	for _, s := range d.roles[roleNegation] {
		if pseudo[s.start] == 1 || d.covered[s.start] {
			continue
		}
		cl := toks[s.start].clause
		for j := s.end; j < n && j < s.end+8 && toks[j].clause == cl; j++ {
			toks[j].flags |= flagNegated
		}
	}
}

// The bits of d.clauses that markHistorical sets on a clause.
const (
	// clauseHist: historical.
	clauseHist int8 = 1
	// clauseCur: has a current trigger.
	clauseCur int8 = 2
	// clauseSafe: made historical by a statement that the person is safe
	// now ("now happily married"), which crisis and abuse rules heed too.
	clauseSafe int8 = 4
	// clauseDated: dated by its own historical trigger ("years ago",
	// "used to").
	clauseDated int8 = 8
	// clauseRes: reached by a resolution.
	clauseRes int8 = 16
)

// markHistorical flags historical (and resolved) words. A clause with a
// historical trigger and no current one is historical; a resolved trigger
// ("fully recovered", "went away") also makes the earlier clauses of its
// sentence historical, back to a clause with a current trigger ("now",
// "again").
func (d *doc) markHistorical(nclauses int32) {
	roles, toks := &d.roles, d.toks
	d.clauses = grow(d.clauses, int(nclauses))
	cls := d.clauses
	lastCur := int32(-1) // the last clause with a current trigger
	for _, s := range roles[roleCurrent] {
		// "now" inside "fine now" is part of the resolved phrase
		if !overlapsAny(s, roles[roleHistorical]) && !overlapsAny(s, roles[roleResolved]) {
			cl := toks[s.start].clause
			cls[cl] |= clauseCur
			lastCur = max(lastCur, cl)
		}
	}
	for _, s := range roles[roleHistorical] {
		cls[toks[s.start].clause] |= clauseHist | clauseDated
	}
	for r, bits := range [2]int8{clauseHist, clauseHist | clauseSafe} {
		for _, s := range roles[[2]int{roleResolved, roleSafeNow}[r]] {
			// "not fully recovered" is no resolution; nor is a word of a
			// concept's phrase ("sorted my will")
			if toks[s.start].flags&flagNegated != 0 || allCovered(d, s) {
				continue
			}
			d.resolveBack(s, bits, lastCur)
		}
	}
	for i := range toks {
		c := cls[toks[i].clause]
		if c&clauseHist == 0 || c&clauseCur != 0 {
			continue
		}
		toks[i].flags |= flagHistorical
		// over for crisis and abuse rules too: said to be safe now, or
		// dated in the past and said to be over ("years ago I overdosed,
		// I'm doing fine now"); a bare past tense is not enough
		if c&clauseSafe != 0 || c&(clauseDated|clauseRes) == clauseDated|clauseRes {
			toks[i].flags |= flagResolved
		}
	}
}

// resolveBack sets bits on the clause of resolution s and on the earlier
// clauses of its sentence, back to one with a current trigger; lastCur is
// the last clause with a current trigger.
func (d *doc) resolveBack(s span, bits int8, lastCur int32) {
	toks, cls := d.toks, d.clauses
	own := toks[s.start].clause
	// a later current statement ("..., fine now, but it started
	// again") reopens the story: the resolution dates nothing
	if own >= lastCur {
		bits |= clauseRes
	}
	cls[own] |= bits
	j := s.start - 1
	for ; j >= 0 && toks[j].sent == toks[s.start].sent; j-- {
		// "..., now happily married": a current word in the
		// resolution's own clause does not stop it
		if toks[j].clause == own {
			continue
		}
		if cls[toks[j].clause]&clauseCur != 0 {
			return
		}
		cls[toks[j].clause] |= bits
	}
	// A statement of safety also closes the story of the sentences just
	// before it when they are dated and not current ("Years ago I was in
	// an abusive relationship. I'm safe now."); a bare past tense is not
	// reached.
	if bits&clauseSafe == 0 {
		return
	}
	for ; j >= 0; j-- {
		c := cls[toks[j].clause]
		if c&clauseDated == 0 || c&clauseCur != 0 {
			return
		}
		cls[toks[j].clause] |= bits
	}
}

// markHypothetical flags hypotheses: from the trigger to the end of its
// clause (punctuation only: "if I lose feeling and my legs go weak" is one
// hypothesis).
//
// A statement about now that follows the question without punctuation
// ("what are the signs of a stroke my face is drooping", as people type on
// a phone) ends the scope: from a `statement` phrase ("my face is", "he
// keeps", "i took") that starts after the trigger, unless a subordinator
// ("if", "when") or the trigger itself leads into it ("what do I do if my
// face is drooping" stays a hypothesis).
func (d *doc) markHypothetical() {
	n := int32(len(d.toks))
	stmt := grow(d.marks, len(d.toks))
	for _, s := range d.roles[roleStatement] {
		stmt[s.start] = 1
	}
	for _, s := range d.roles[roleHypothetical] {
		pc := d.pclause[s.start]
		for j := s.start; j < n && d.pclause[j] == pc; j++ {
			if j >= s.end && j > 0 && stmt[j] == 1 && !subordinators[d.toks[j-1].word] {
				break
			}
			d.toks[j].flags |= flagHypothetical
		}
	}
}

// subordinators lead into a clause that stays inside the question ("what
// do I do if my son is choking"): a statement after one does not end a
// hypothesis.
var subordinators = map[string]bool{"if": true, "when": true, "whenever": true, "whether": true, "that": true,
	"case": true, "unless": true, "once": true, "until": true, "before": true, "after": true, "while": true,
	"because": true, "suppose": true, "supposing": true}

// markReported flags what is reported: a story, the news or a question
// about signs ("a documentary about ...", "how can I tell if a friend is
// ..."), from the trigger to the end of its clause (punctuation only), when
// no word of the writer (I, me, my) follows the trigger in that clause:
// "signs my husband is abusive" is a disclosure.
func (d *doc) markReported() {
	n := int32(len(d.toks))
	selfAt := grow(d.marks, len(d.toks))
	for _, s := range d.roles[roleSelf] {
		selfAt[s.start] = 1
	}
	for _, s := range d.roles[roleReported] {
		pc := d.pclause[s.start]
		end := s.end
		mine := false
		for ; end < n && d.pclause[end] == pc; end++ {
			// past a clause-break word only the writer as a subject ("...
			// and I want to") makes it theirs, not the writer as an owner
			// or an object ("a film about a suicide and my son asked
			// about it", "... and it stuck with me")
			if selfAt[end] == 1 && (d.toks[end].clause == d.toks[s.start].clause || d.toks[end].word == "i") {
				mine = true
				break
			}
		}
		if mine {
			continue
		}
		for j := s.start; j < end; j++ {
			d.toks[j].flags |= flagReported | flagHypothetical
		}
	}
}

// markFramed flags the whole message as reported when it names course work
// or professional practice as its purpose ("biology homework question: why
// does ...", "... ? doing a pharmacology essay", "mental health nurse here -
// what does ..."), every sentence outside that frame opens as a question,
// and the writer (I, me, my) is named only inside the frame. It is the
// ConText "generic experiencer" over a message rather than a clause, since
// such a frame comes before or after the question it frames. A message
// that speaks of the writer outside the frame ("for my essay ... and I've
// taken 20") or tells of something ("doing homework, my brother collapsed")
// is left to the clause-level context.
// maxFrameModifiers is how many words may lead into a study frame as its
// modifiers: a subject or a field of two words ("mental health nurse
// here"), and one more for an article or a level ("a level biology").
const maxFrameModifiers = 3

func (d *doc) markFramed() {
	frames := d.roles[roleStudyFrame]
	if len(frames) == 0 {
		return
	}
	n := len(d.toks)
	inFrame := grow(d.marks, n)
	for _, s := range frames {
		if d.toks[s.start].flags&flagNegated != 0 {
			continue
		}
		for j := s.start; j < s.end; j++ {
			inFrame[j] = 1
		}
	}
	for _, s := range d.roles[roleSelf] {
		if inFrame[s.start] == 0 {
			return
		}
	}
	opens := make(map[int32]bool, len(d.roles[roleQuestionOpen]))
	for _, s := range d.roles[roleQuestionOpen] {
		opens[s.start] = true
	}
	framed := false
	for i := 0; i < n; {
		start := i
		sent := d.toks[i].sent
		for ; i < n && d.toks[i].sent == sent; i++ {
			framed = framed || inFrame[i] == 1
		}
		// the sentence's first word outside the frame opens the question;
		// up to maxFrameModifiers words that lead into a frame modify it
		// ("biology homework question: why ...", "mental health nurse
		// here - what ..."), so the question opens after the frame
		first := start
		for first < i && inFrame[first] == 1 {
			first++
		}
		if first < i && !opens[int32(first)] {
			j := first
			for j < i && j-first < maxFrameModifiers && inFrame[j] == 0 {
				j++
			}
			if j < i && inFrame[j] == 1 {
				for j < i && inFrame[j] == 1 {
					j++
				}
				first = j
			}
		}
		if first < i && !opens[int32(first)] && !(first > start && d.frameRest(first, i)) {
			return
		}
	}
	if !framed {
		return
	}
	for i := range d.toks {
		d.toks[i].flags |= flagReported | flagHypothetical
	}
}

// frameRest reports whether toks[from:to], what follows a frame in its
// sentence, belongs to the frame: it names the frame's topic after "on" or
// "about" ("writing an essay on suicide prevention"), or no concept at all,
// only where the writer works or studies ("I'm a nurse on a mental health
// ward.").
func (d *doc) frameRest(from, to int) bool {
	if w := d.toks[from].word; w == "on" || w == "about" {
		return true
	}
	for j := from; j < to; j++ {
		if d.covered[j] {
			return false
		}
	}
	return true
}

// markOther flags the words whose experiencer is someone else: the last
// person named before a word is its experiencer ("my son says he wants to
// die": other; "... and I have a fever": the writer). A kinship word that
// opens a sentence bare ("gran suddenly ...") names someone else for that
// sentence only.
func (d *doc) markOther() {
	who := grow(d.marks, len(d.toks)) // 0 none, 1 self, 2 other
	for _, s := range d.roles[roleSelf] {
		who[s.start] = 1
	}
	// a person named as the owner of the thing that follows ("my mum's
	// tablets") is not the one the clause is about: whoever took them is
	for _, s := range d.roles[roleOther] {
		if d.ownerOf(s.end) {
			continue
		}
		who[s.start] = 2
		for j := s.start + 1; j < s.end; j++ {
			who[j] = 0
		}
	}
	// a relative named bare at the start of a sentence, as chat does
	// ("gran suddenly cant lift her arm"), for that sentence; elsewhere a
	// bare "mum" is as often a word of the writer's own phrase ("my
	// elderly mum"), and so is it before "of" or "day" at the start ("mum
	// of 3 here", "mother's day is hard")
	toks := d.toks
	for _, s := range d.roles[roleOtherStart] {
		if s.start > 0 && toks[s.start-1].sent == toks[s.start].sent {
			continue
		}
		if n := s.end; int(n) < len(toks) && (toks[n].word == "of" || toks[n].word == "day") {
			continue
		}
		who[s.start] = 2
		for j := int(s.end); j < len(toks); j++ {
			if toks[j].sent != toks[s.start].sent {
				if who[j] == 0 {
					who[j] = 1
				}
				break
			}
		}
	}
	other := false
	for i := range d.toks {
		switch who[i] {
		case 1:
			other = false
		case 2:
			other = true
		}
		if other {
			d.toks[i].flags |= flagOther
		}
	}
}

// ownerOf reports whether an owned thing (role owned_thing) starts at
// token at or the one after it ("my mum's tablets", "my mum's bp tablets").
func (d *doc) ownerOf(at int32) bool {
	for _, o := range d.roles[roleOwned] {
		if o.start == at || o.start == at+1 {
			return true
		}
	}
	return false
}

// allCovered reports whether every word of s is inside a concept's phrase.
func allCovered(d *doc, s span) bool {
	for j := s.start; j < s.end; j++ {
		if !d.covered[j] {
			return false
		}
	}
	return true
}

// stripIdioms replaces idioms by their plain meaning ("killing me" ->
// "hurts") or removes them.
func (t *Triage) stripIdioms(toks, spare []token) (out, rest []token) {
	var best int32
	var bestEnd int
	var at int
	visit := func(id int32, end int) {
		// an idiom stays inside its clause: "can't stand, peeing barely
		// anything" is no "can't stand peeing"
		if end > bestEnd && toks[end-1].clause == toks[at].clause {
			best, bestEnd = id, end
		}
	}
	copied := false
	for i := 0; i < len(toks); {
		at = i
		best, bestEnd = -1, i
		t.idioms.matchAt(toks, i, toks[i].inode, visit)
		if best < 0 {
			if copied {
				spare = append(spare, toks[i])
			}
			i++
			continue
		}
		if !copied {
			spare = append(spare, toks[:i]...)
			copied = true
		}
		for _, r := range t.idiomTo[best] {
			r.clause, r.sent = toks[i].clause, toks[i].sent
			spare = append(spare, r)
		}
		i = bestEnd
	}
	if !copied {
		return toks, spare
	}
	return spare, toks[:0]
}

// evaluate returns every rule that fires on text.
func (t *Triage) evaluate(text string) ([]firing, *doc) {
	d := t.analyze(text)
	if len(d.toks) == 0 {
		return nil, d
	}
	var out []firing
	for i := range t.rules {
		r := &t.rules[i]
		fired, other, hyp := r.eval(d)
		if !fired {
			continue
		}
		tier := r.tier
		if other {
			switch tier {
			case TierCrisis, TierOverdose, TierEmergency:
				tier = TierSomeoneElse
			}
		}
		out = append(out, firing{rule: r, tier: tier, hypothetical: hyp})
	}
	return out, d
}

// Match states.
const (
	notValid = iota
	validHyp // valid only as a hypothesis
	valid
)

// state says whether a match of lexicon lex counts for the rule.
func (r *rule) state(d *doc, s span) int {
	f := d.toks[s.start].flags
	if !r.strict {
		// crisis, overdose and abuse words count when negated, past or
		// supposed, but not in a past the message says is over ("years
		// ago ..., now happily married") and only as a topic in a story
		// or a question about signs
		if f&flagResolved != 0 {
			return notValid
		}
		if f&flagReported != 0 {
			return validHyp
		}
		return valid
	}
	if f&flagNegated != 0 {
		return notValid
	}
	if f&flagHistorical != 0 && !r.past[s.lex] {
		return notValid
	}
	if f&flagHypothetical != 0 {
		return validHyp
	}
	return valid
}

func other(d *doc, s span) bool { return d.toks[s.start].flags&flagOther != 0 }

// eval reports whether r fires on d, whether it is about someone else, and
// whether it fires only as a hypothesis.
func (r *rule) eval(d *doc) (fired, isOther, hyp bool) {
	for _, lex := range r.with {
		if len(d.byLex[lex]) == 0 {
			return false, false, false
		}
	}
	bestHyp := true
	found := false
	for _, alt := range r.match {
		if !allFound(d, alt) {
			continue
		}
		// try each experiencer: the writer first
		for _, o := range []bool{false, true} {
			ok, h := r.evalAlt(d, alt, o)
			if ok && (!found || (bestHyp && !h)) {
				found, bestHyp, isOther = true, h, o
				if !h && !o {
					return true, false, false
				}
			}
		}
	}
	return found, isOther, found && bestHyp
}

// allFound reports whether every lexicon of alt has a match in d: most
// alternatives of most rules fail this cheap test.
func allFound(d *doc, alt []int32) bool {
	for _, lex := range alt {
		if len(d.byLex[lex]) == 0 {
			return false
		}
	}
	return true
}

// evalAlt looks for matches of every lexicon of alt, close together, on
// different words, all about the writer (o false) or someone else.
func (r *rule) evalAlt(d *doc, alt []int32, o bool) (ok, hyp bool) {
	chosen := make([]span, 0, len(alt))
	bestHyp := true
	found := false
	var try func(k int, h bool) bool
	try = func(k int, h bool) bool {
		if k == len(alt) {
			if !r.withOK(d, o, chosen) || r.cancelled(d, chosen) {
				return false
			}
			if !found || (bestHyp && !h) {
				found, bestHyp = true, h
			}
			return !h
		}
		cands := d.byLex[alt[k]]
		if k > 0 {
			// only matches that can be close to the first one
			lo := chosen[0].start - int32(maxClose(r.near)) - maxSpan
			first := sort.Search(len(cands), func(j int) bool { return cands[j].start >= lo })
			hi := chosen[0].end + int32(maxClose(r.near))
			last := sort.Search(len(cands), func(j int) bool { return cands[j].start > hi })
			cands = cands[first:max(first, last)]
		}
		for _, s := range cands {
			st := r.state(d, s)
			if st == notValid || (other(d, s) != o && (k == 0 || !r.anyone)) {
				continue
			}
			if !r.close(d, chosen, s) {
				continue
			}
			chosen = append(chosen, s)
			done := try(k+1, h || st == validHyp)
			chosen = chosen[:len(chosen)-1]
			if done {
				return true
			}
		}
		return false
	}
	try(0, false)
	return found, bestHyp
}

// close reports whether s overlaps none of the chosen matches and is in the
// same clause as, or within r.near words of, each of them.
func (r *rule) close(d *doc, chosen []span, s span) bool {
	for _, c := range chosen {
		if s.start < c.end && c.start < s.end {
			return false
		}
		gap := s.start - c.end
		if c.start >= s.end {
			gap = c.start - s.end
		}
		if int(gap) < r.near {
			continue
		}
		// the same clause, but not a run-on one
		if d.toks[s.start].clause != d.toks[c.start].clause || int(gap) >= maxClose(r.near) {
			return false
		}
	}
	return true
}

func (r *rule) withOK(d *doc, o bool, chosen []span) bool {
	for _, lex := range r.with {
		ok := false
		for _, s := range d.byLex[lex] {
			if r.state(d, s) != notValid && (other(d, s) == o || r.anyone) && !overlapsAny(s, chosen) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

func overlapsAny(s span, chosen []span) bool {
	for _, c := range chosen {
		if s.start < c.end && c.start < s.end {
			return true
		}
	}
	return false
}

// cancelled reports whether an "unless" lexicon occurs, not negated, in the
// sentence of a chosen match ("cut myself shaving").
func (r *rule) cancelled(d *doc, chosen []span) bool {
	for _, lex := range r.unless {
		for _, s := range d.byLex[lex] {
			if d.toks[s.start].flags&flagNegated != 0 {
				continue
			}
			for _, c := range chosen {
				if d.toks[s.start].sent == d.toks[c.start].sent {
					return true
				}
			}
		}
	}
	return false
}

// infoAsked reports a question about warning signs: an "ask" phrase ("red
// flags", "when should I go to A&E") and a topic in the same sentence.
func (t *Triage) infoAsked(d *doc) bool {
	if len(t.info.ask) == 0 || len(d.toks) == 0 {
		return false
	}
	for _, a := range t.info.ask {
		for _, s := range d.byLex[a] {
			if d.inSentence(t.info.topic, d.toks[s.start].sent) {
				return true
			}
		}
	}
	return false
}

// inSentence reports whether a phrase of one of lexicons starts in
// sentence sent.
func (d *doc) inSentence(lexicons []int32, sent int32) bool {
	for _, lex := range lexicons {
		for _, u := range d.byLex[lex] {
			if d.toks[u.start].sent == sent {
				return true
			}
		}
	}
	return false
}

// Lexicons returns the names of the rules file's lexicons, sorted.
func (t *Triage) Lexicons() []string {
	out := slices.Clone(t.lexName)
	sort.Strings(out)
	return out
}
