package bot

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// numberRange is the #lo-hi element.
var numberRange = regexp.MustCompile(`^#([0-9]{1,6})-([0-9]{1,6})$`)

// Phrase syntax in the rules file. A phrase is words separated by spaces,
// matched by stem ("hurts" matches "hurt", "hurting"), and these elements:
//
//	*        any one word              "lost * control"
//	numb*    a word starting numb      (matched on the word, not the stem)
//	*ing     a word ending ing
//	#        any number                "temperature of #"
//	#many    a number of ten or more   "took #many"
//	#lo-hi   a number from lo to hi    "oxygen * #50-92"
//	@name    any phrase of lexicon name  "kill @reflexive"
//
// A phrase may not start with *.

type elemKind uint8

const (
	eLit elemKind = iota
	eAny
	ePrefix
	eSuffix
	eNum
	eMany
	eRange
)

type elem struct {
	kind   elemKind
	s      string // stem (eLit), affix, or eRange's bounds as written
	word   string // the word as written (eLit), for typo targets
	lo, hi int    // eRange's bounds
}

type tnode struct {
	// The word children: in edges while there are few (most nodes have
	// one), in next once there are more than maxEdges (edges is then nil).
	edges []tedge
	next  map[string]*tnode
	any   *tnode
	pats  []tpat
	out   []int32
	word  string // the word of the edge that made the node, for messages
}

type tedge struct {
	stem string
	to   *tnode
}

const maxEdges = 8

// get is n's word child for stem, or nil.
func (n *tnode) get(stem string) *tnode {
	if n.next != nil {
		return n.next[stem]
	}
	for i := range n.edges {
		if n.edges[i].stem == stem {
			return n.edges[i].to
		}
	}
	return nil
}

// children calls fn with each word child of n.
func (n *tnode) children(fn func(stem string, m *tnode)) {
	if n.next != nil {
		for k, m := range n.next {
			fn(k, m)
		}
		return
	}
	for _, e := range n.edges {
		fn(e.stem, e.to)
	}
}

// numChildren is the number of word children of n.
func (n *tnode) numChildren() int {
	if n.next != nil {
		return len(n.next)
	}
	return len(n.edges)
}

// arena allocates trie nodes and out lists in chunks: a compiled trie has
// tens of thousands of nodes, most with one child and one out. A nil
// arena allocates each one alone.
type arena struct {
	nodes []tnode
	ids   []int32
}

func (a *arena) node(word string) *tnode {
	if a == nil {
		return &tnode{word: word}
	}
	if len(a.nodes) == cap(a.nodes) {
		a.nodes = make([]tnode, 0, 1024)
	}
	a.nodes = append(a.nodes, tnode{word: word})
	return &a.nodes[len(a.nodes)-1]
}

// out1 is a one-id out list.
func (a *arena) out1(id int32) []int32 {
	if a == nil {
		return []int32{id}
	}
	if len(a.ids) == cap(a.ids) {
		a.ids = make([]int32, 0, 4096)
	}
	a.ids = append(a.ids, id)
	return a.ids[len(a.ids)-1 : len(a.ids) : len(a.ids)]
}

type tpat struct {
	kind   elemKind
	s      string
	lo, hi int // eRange's bounds
	to     *tnode
}

// trie matches phrases over tokens.
type trie struct {
	root tnode
	// rootPrefix holds the root's word* edges by the first byte of the
	// prefix, so a token is only compared with the prefixes it can have;
	// rootOther the root's other pattern edges. Set by index.
	rootPrefix [256][]tpat
	rootOther  []tpat
	indexed    bool
}

// index sorts the root's pattern edges for matchAt, once the trie is built.
func (t *trie) index() {
	t.rootPrefix = [256][]tpat{}
	t.rootOther = nil
	for _, p := range t.root.pats {
		if p.kind == ePrefix && p.s != "" {
			t.rootPrefix[p.s[0]] = append(t.rootPrefix[p.s[0]], p)
		} else {
			t.rootOther = append(t.rootOther, p)
		}
	}
	t.indexed = true
}

func (t *trie) add(p []elem, id int32) {
	n := &t.root
	for _, e := range p {
		n = n.child(e, nil)
	}
	n.addOut(id, nil)
}

// child is n's child for e, made (from a) if needed.
func (n *tnode) child(e elem, a *arena) *tnode {
	switch e.kind {
	case eLit:
		if next := n.get(e.s); next != nil {
			return next
		}
		next := a.node(e.word)
		if n.next != nil {
			n.next[e.s] = next
		} else if len(n.edges) < maxEdges {
			n.edges = append(n.edges, tedge{stem: e.s, to: next})
		} else {
			n.next = make(map[string]*tnode, 2*maxEdges)
			for _, x := range n.edges {
				n.next[x.stem] = x.to
			}
			n.next[e.s] = next
			n.edges = nil
		}
		return next
	case eAny:
		if n.any == nil {
			n.any = a.node("")
		}
		return n.any
	}
	for _, q := range n.pats {
		if q.kind == e.kind && q.s == e.s {
			return q.to
		}
	}
	next := a.node("")
	n.pats = append(n.pats, tpat{kind: e.kind, s: e.s, lo: e.lo, hi: e.hi, to: next})
	return next
}

func (n *tnode) addOut(id int32, a *arena) {
	for _, o := range n.out {
		if o == id {
			return
		}
	}
	if len(n.out) == 0 {
		n.out = a.out1(id)
		return
	}
	n.out = append(n.out, id)
}

// matchAt calls visit for every phrase that matches tokens from i, with
// the phrase's id and the end of the match. first is the root's child for
// toks[i] (token.node or token.inode), found when the token was made.
func (t *trie) matchAt(toks []token, i int, first *tnode, visit func(id int32, end int)) {
	if first != nil {
		first.walk(toks, i+1, visit)
	}
	if !t.indexed {
		t.root.walkPats(toks, i, visit)
		return
	}
	if w := toks[i].word; w != "" {
		for _, p := range t.rootPrefix[w[0]] {
			if strings.HasPrefix(w, p.s) {
				p.to.walk(toks, i+1, visit)
			}
		}
	}
	if len(t.rootOther) > 0 {
		walkPatList(t.rootOther, toks, i, visit)
	}
}

func (n *tnode) walk(toks []token, i int, visit func(id int32, end int)) {
	for _, id := range n.out {
		visit(id, i)
	}
	if i >= len(toks) {
		return
	}
	if c := n.get(toks[i].stem); c != nil {
		c.walk(toks, i+1, visit)
	}
	if n.any != nil {
		n.any.walk(toks, i+1, visit)
	}
	n.walkPats(toks, i, visit)
}

// walkPats follows the pattern edges (word*, *suffix, #) of n at token i.
func (n *tnode) walkPats(toks []token, i int, visit func(id int32, end int)) {
	if len(n.pats) > 0 {
		walkPatList(n.pats, toks, i, visit)
	}
}

// matches reports whether a word fits the pattern element: a prefix or
// suffix, a number, or a number of ten or more (#many).
func (p tpat) matches(word string) bool {
	switch p.kind {
	case ePrefix:
		return strings.HasPrefix(word, p.s)
	case eSuffix:
		return strings.HasSuffix(word, p.s) && len(word) > len(p.s)
	case eNum:
		_, ok := numberValue(word)
		return ok
	case eMany:
		v, ok := numberValue(word)
		return ok && v >= 10
	case eRange:
		v, ok := numberValue(word)
		return ok && v >= p.lo && v <= p.hi
	}
	return false
}

func walkPatList(pats []tpat, toks []token, i int, visit func(id int32, end int)) {
	tk := &toks[i]
	for _, p := range pats {
		if p.matches(tk.word) {
			p.to.walk(toks, i+1, visit)
		}
	}
}

// compiler turns a parsed rules file into a Triage, collecting every error.
type compiler struct {
	name string
	t    *Triage
	f    *triageFile
	errs []error

	raw     map[string][]string  // lexicon name -> phrases as written
	parsed  map[string][]pattern // lexicon name -> phrases parsed, not expanded
	count   map[string]int       // lexicon name -> number of phrases once expanded
	busy    map[string]bool      // cycle detection
	concept map[string]int32     // concept lexicon name -> id
	arena   *arena               // the tries' nodes
}

// A pattern is a written phrase, parsed: runs of elements and references
// to lexicons (@name), kept unexpanded. The compiler walks the expansions
// into the tries without making them: "@poss @relative hits me" is 6×60
// phrases but 6 + 360 + 360 + 360 trie steps, and no copies.
type pattern []part

// part is a run of elements (ref "") or a reference to a lexicon.
type part struct {
	seq []elem
	ref string
}

// insert walks every expansion of ps from n, making trie nodes, and marks
// the node each one ends at with id. Expansions that share a prefix share
// its walk. rest is the stack of what follows ps; it is never written to
// (a popped slot may still be needed by a caller).
func (c *compiler) insert(n *tnode, ps pattern, rest []pattern, id int32) {
	for {
		for len(ps) > 0 && ps[0].ref == "" {
			for _, e := range ps[0].seq {
				n = n.child(e, c.arena)
			}
			ps = ps[1:]
		}
		if len(ps) > 0 {
			break
		}
		if len(rest) == 0 {
			n.addOut(id, c.arena)
			return
		}
		ps, rest = rest[len(rest)-1], rest[:len(rest)-1]
	}
	rest = append(rest[:len(rest):len(rest)], ps[1:])
	for _, q := range c.parsed[ps[0].ref] {
		c.insert(n, q, rest, id)
	}
}

// each calls fn with every expansion of ps, appended to buf. fn must not
// keep the slice: it is reused.
func (c *compiler) each(ps pattern, buf []elem, fn func([]elem)) {
	for len(ps) > 0 && ps[0].ref == "" {
		buf = append(buf, ps[0].seq...)
		ps = ps[1:]
	}
	if len(ps) == 0 {
		fn(buf)
		return
	}
	rest := ps[1:]
	for _, q := range c.parsed[ps[0].ref] {
		c.each(q, buf, func(b []elem) { c.each(rest, b, fn) })
	}
}

// checkSwallowed reports the lexicon phrases that contain an idiom: the
// idiom is replaced before matching, so they can never match. It walks
// the lexicon trie once, following every partial idiom match along each
// path (phrases with wildcards are not checked).
func (c *compiler) checkSwallowed() {
	t := c.t
	idioms := &t.idioms.root
	var path []string
	reported := map[string]bool{}
	// buf holds the partial idiom matches of every node on the current
	// path; a node's are buf[lo:hi].
	var buf []*tnode
	var walk func(n *tnode, lo, hi int, hit bool)
	walk = func(n *tnode, lo, hi int, hit bool) {
		if hit {
			for _, id := range n.out {
				msg := fmt.Sprintf("lexicon %s: phrase %q never matches: an idiom strips it", t.lexName[id], strings.Join(path, " "))
				if !reported[msg] {
					reported[msg] = true
					c.errorf("%s", msg)
				}
			}
		}
		n.children(func(stem string, m *tnode) {
			tk := token{word: m.word, stem: stem}
			start := len(buf)
			h := hit
			add := func(to *tnode) {
				if len(to.out) > 0 {
					h = true
				}
				buf = append(buf, to)
			}
			for i := lo; i < hi; i++ {
				buf[i].step(&tk, add)
			}
			idioms.step(&tk, add)
			path = append(path, m.word)
			walk(m, start, len(buf), h)
			path = path[:len(path)-1]
			buf = buf[:start]
		})
	}
	walk(&t.lex.root, 0, 0, false)
}

// step calls fn with each child of n that token tk leads to.
func (n *tnode) step(tk *token, fn func(*tnode)) {
	if m := n.get(tk.stem); m != nil {
		fn(m)
	}
	if n.any != nil {
		fn(n.any)
	}
	for _, p := range n.pats {
		if p.matches(tk.word) {
			fn(p.to)
		}
	}
}

// literals calls fn with every word element written in ps (not those of
// the lexicons it refers to).
func literals(ps []pattern, fn func(elem)) {
	for _, p := range ps {
		for _, pt := range p {
			for _, e := range pt.seq {
				if e.kind == eLit {
					fn(e)
				}
			}
		}
	}
}

func (c *compiler) errorf(format string, args ...any) {
	c.errs = append(c.errs, fmt.Errorf("%s: "+format, append([]any{c.name}, args...)...))
}

// maxExpansion caps the phrases one written phrase expands to through
// @references.
const maxExpansion = 5000

// compile builds c.t from c.f in phases, each recording its errors in
// c.errs: replies, the normalizer, the lexicons, the idioms, the
// vocabulary, the typo targets, the tries, the rules and the
// informational reply. The order matters: the vocabulary, prefixes and
// typo targets come from every parsed phrase, and the tries come last.
func (c *compiler) compile() {
	c.compileReplies()
	c.compileNormalizer()
	c.compileLexicons()
	idioms := c.compileIdioms()
	conceptWords := c.compileVocab(idioms)
	c.compileTypos(conceptWords)
	c.buildTries(idioms)
	// A phrase an idiom swallows can never match.
	c.checkSwallowed()
	// Rules.
	f := c.f
	if len(f.Rules) == 0 {
		c.errorf("no rules")
	}
	seen := map[string]bool{}
	for i, rf := range f.Rules {
		c.rule(i, rf, seen)
	}
	c.compileInfo()
}

// compileReplies takes the urgent tiers' replies, each required.
func (c *compiler) compileReplies() {
	t, f := c.t, c.f
	for _, k := range urgentTiers {
		r := strings.TrimSpace(f.Replies[k])
		if r == "" {
			c.errorf("replies.%s is missing", k)
		}
		t.replies[k] = r
	}
	for k := range f.Replies {
		if _, ok := tierRank[k]; !ok || k == TierInfo {
			c.errorf("replies.%s: unknown tier (want one of %s)", k, tierList())
		}
	}
}

// compileNormalizer starts the normalizer: the built-in rewrites, the
// file's rewrites and its known words.
func (c *compiler) compileNormalizer() {
	t, f := c.t, c.f
	t.norm = normalizer{dict: map[string]dictEntry{}, vocab: map[string]bool{}, prefixes: make([]bool, prefixSlots),
		typos: map[byte][]typoTarget{}, known: map[string]bool{}}
	for k, v := range rewrites {
		t.norm.dict[k] = dictEntry{rewrite: strings.Fields(v)}
	}
	for k, v := range f.Normalize.Rewrite {
		k = strings.ToLower(strings.TrimSpace(k))
		w := strings.Fields(strings.ToLower(v))
		if k == "" || strings.ContainsAny(k, " \t") {
			c.errorf("normalize.rewrite %q: the key must be one word", k)
			continue
		}
		if w == nil {
			w = []string{} // dropped
		}
		t.norm.dict[k] = dictEntry{rewrite: w}
	}
	for _, w := range f.Normalize.Known {
		t.norm.known[strings.ToLower(w)] = true
	}
}

// compileLexicons numbers the lexicons, concepts sorted by name, then the
// context roles, and parses every phrase of them.
func (c *compiler) compileLexicons() {
	t, f := c.t, c.f
	c.raw = map[string][]string{}
	c.arena = &arena{}
	c.parsed = map[string][]pattern{}
	c.count = map[string]int{}
	c.busy = map[string]bool{}
	c.concept = map[string]int32{}
	names := make([]string, 0, len(f.Lexicons))
	for n, ps := range f.Lexicons {
		if len(ps) == 0 {
			c.errorf("lexicon %s is empty", n)
		}
		c.raw[n] = ps
		names = append(names, n)
	}
	sort.Strings(names)
	ctx, roleOf := c.contextLexicons()
	for _, n := range names {
		c.concept[n] = int32(len(t.lexName))
		t.lexName = append(t.lexName, n)
	}
	for _, n := range ctx {
		t.role[roleOf[n]] = int32(len(t.lexName))
		t.lexName = append(t.lexName, "context."+n)
	}
	t.roleOfLex = make([]int8, len(t.lexName))
	for i := range t.roleOfLex {
		t.roleOfLex[i] = -1
	}
	for r, id := range t.role {
		if id >= 0 {
			t.roleOfLex[id] = int8(r)
		}
	}
	// Parse every phrase first: the vocabulary, prefixes and typo targets
	// come from all of them.
	for _, n := range t.lexName {
		c.lexicon(n)
	}
}

// contextLexicons takes the file's context lexicons (raw, as
// "context.<role>"): their roles' names sorted, and the role number of
// each name. Every role starts without a lexicon.
func (c *compiler) contextLexicons() ([]string, map[string]int) {
	t, f := c.t, c.f
	for r := range t.role {
		t.role[r] = -1
	}
	roleOf := map[string]int{}
	for i, n := range roleNames {
		roleOf[n] = i
	}
	var ctx []string
	for n, ps := range f.Context {
		if _, ok := roleOf[n]; !ok {
			c.errorf("context.%s: unknown context (want one of %s)", n, strings.Join(roleNames[:], ", "))
			continue
		}
		c.raw["context."+n] = ps
		ctx = append(ctx, n)
	}
	sort.Strings(ctx)
	return ctx, roleOf
}

// idiomDef is an idiom of the rules file, parsed: the phrases that say it
// and what it means.
type idiomDef struct {
	say   []pattern
	means string
}

// compileIdioms parses the idioms' phrases.
func (c *compiler) compileIdioms() []idiomDef {
	var idioms []idiomDef
	for i, id := range c.f.Idioms {
		var say []pattern
		if len(id.Say) == 0 {
			c.errorf("idiom %d: \"say\" is empty", i+1)
		}
		for _, p := range id.Say {
			if q := c.phrase(fmt.Sprintf("idiom %d", i+1), p); q != nil {
				say = append(say, q)
			}
		}
		idioms = append(idioms, idiomDef{say: say, means: id.Means})
	}
	return idioms
}

// compileVocab puts every word written in a phrase in the normalizer's
// vocabulary, dictionary and prefixes (the words of a referenced lexicon
// are written in that lexicon), and returns the words of the concepts'
// lexicons.
func (c *compiler) compileVocab(idioms []idiomDef) map[string]bool {
	t := c.t
	conceptWords := map[string]bool{}
	addVocab := func(ps []pattern, concept bool) {
		literals(ps, func(e elem) {
			t.norm.vocab[e.s] = true
			if d := t.norm.dict[e.word]; d.rewrite == nil {
				t.norm.dict[e.word] = dictEntry{stem: e.s, hasStem: true}
			}
			t.norm.prefixes[prefixIndex(e.s)] = true
			t.norm.prefixes[prefixIndex(e.word)] = true
			if concept {
				conceptWords[e.word] = true
			}
		})
	}
	for _, n := range t.lexName {
		addVocab(c.parsed[n], !strings.HasPrefix(n, "context."))
	}
	for _, id := range idioms {
		addVocab(id.say, false)
	}
	for _, id := range idioms {
		if strings.TrimSpace(id.means) != "" {
			if q := c.phrase("idiom", id.means); q != nil {
				addVocab([]pattern{q}, false)
			}
		}
	}
	return conceptWords
}

// compileTypos takes the typo targets: key words only (conceptWords).
// Correcting towards every lexicon word turns real words into symptoms
// ("infection" -> "inject").
func (c *compiler) compileTypos(conceptWords map[string]bool) {
	t := c.t
	for _, w := range c.f.Normalize.Typos {
		w = strings.ToLower(strings.TrimSpace(w))
		switch {
		case len(w) < 6:
			c.errorf("normalize.typo_words %q: a typo word needs six letters or more", w)
		case !conceptWords[w]:
			c.errorf("normalize.typo_words %q: the word is in no lexicon", w)
		case t.norm.known[w]:
			c.errorf("normalize.typo_words %q: also in known_words", w)
		default:
			t.norm.addTypo(w, stemOf(w))
		}
	}
}

// buildTries builds the idiom and lexicon tries, then points every known
// word of the normalizer at its trie nodes and tokenizes what each idiom
// means.
func (c *compiler) buildTries(idioms []idiomDef) {
	t := c.t
	for i, id := range idioms {
		for _, p := range id.say {
			c.insert(&t.idioms.root, p, nil, int32(i))
		}
	}
	for i, n := range t.lexName {
		for _, p := range c.parsed[n] {
			c.insert(&t.lex.root, p, nil, int32(i))
		}
	}
	t.lex.index()
	t.idioms.index()
	t.norm.lexRoot, t.norm.idiomRoot = &t.lex.root, &t.idioms.root
	for w, e := range t.norm.dict {
		if e.hasStem {
			e.node, e.inode = t.lex.root.get(e.stem), t.idioms.root.get(e.stem)
			t.norm.dict[w] = e
		}
	}
	for _, id := range idioms {
		t.idiomTo = append(t.idiomTo, t.norm.tokenize(id.means))
	}
}

// compileInfo takes the informational reply: its text (required), its
// title ("Warning signs" by default) and the lexicons of its ask phrases
// and topics.
func (c *compiler) compileInfo() {
	t, f := c.t, c.f
	t.info = infoRule{title: strings.TrimSpace(f.Info.Title), text: strings.TrimSpace(f.Info.Text), note: strings.TrimSpace(f.Info.Note)}
	if t.info.text == "" {
		c.errorf("info.text is missing")
	}
	if t.info.title == "" {
		t.info.title = "Warning signs"
	}
	t.info.ask = c.lexIDs("info.ask", f.Info.Ask)
	t.info.topic = c.lexIDs("info.topic", f.Info.Topic)
}

func tierList() string {
	var s []string
	for _, k := range urgentTiers {
		s = append(s, string(k))
	}
	return strings.Join(s, ", ")
}

func (n *normalizer) addTypo(word, stem string) {
	for _, t := range n.typos[word[0]] {
		if t.word == word {
			return
		}
	}
	n.typos[word[0]] = append(n.typos[word[0]], typoTarget{word: word, stem: stem})
}

func (c *compiler) lexIDs(where string, names []string) []int32 {
	var out []int32
	for _, n := range names {
		id, ok := c.concept[strings.TrimSpace(n)]
		if !ok {
			c.errorf("%s: unknown lexicon %q", where, n)
			continue
		}
		out = append(out, id)
	}
	return out
}

func (c *compiler) rule(i int, rf ruleFile, seen map[string]bool) {
	where := fmt.Sprintf("rule %d (%s)", i+1, rf.ID)
	if rf.ID == "" {
		c.errorf("%s: missing id", where)
	} else if seen[rf.ID] {
		c.errorf("%s: duplicate id", where)
	}
	seen[rf.ID] = true
	switch rf.Tier {
	case TierOverdose, TierCrisis, TierAbuse, TierEmergency, TierDoctorToday:
	default:
		c.errorf("%s: tier %q must be one of overdose, crisis, abuse, emergency, doctor_today", where, rf.Tier)
	}
	if strings.TrimSpace(rf.Mention) == "" {
		c.errorf("%s: mention is missing", where)
	}
	r := rule{id: rf.ID, mention: strings.TrimSpace(rf.Mention), tier: rf.Tier, near: rf.Near,
		strict: rf.Tier == TierEmergency || rf.Tier == TierDoctorToday, past: map[int32]bool{}, anyone: rf.Anyone,
		fire: rf.Examples.Fire, quiet: rf.Examples.Quiet}
	if r.near <= 0 {
		r.near = defaultNear
	}
	if len(rf.Match) == 0 {
		c.errorf("%s: \"match\" is empty", where)
	}
	for _, m := range rf.Match {
		var alt []int32
		for _, n := range strings.Split(m, "+") {
			n = strings.TrimSpace(n)
			id, ok := c.concept[n]
			if !ok {
				c.errorf("%s: match %q: unknown lexicon %q", where, m, n)
				continue
			}
			alt = append(alt, id)
		}
		if len(alt) > 0 {
			r.match = append(r.match, alt)
		}
	}
	r.with = c.lexIDs(where+": with", rf.With)
	r.unless = c.lexIDs(where+": unless", rf.Unless)
	for _, id := range c.lexIDs(where+": past", rf.Past) {
		r.past[id] = true
	}
	if len(r.fire) == 0 || len(r.quiet) == 0 {
		c.errorf("%s: needs at least one \"fire\" and one \"quiet\" example", where)
	}
	c.t.rules = append(c.t.rules, r)
}

// lexicon parses the phrases of lexicon n (once).
func (c *compiler) lexicon(n string) []pattern {
	if ps, ok := c.parsed[n]; ok {
		return ps
	}
	if c.busy[n] {
		c.errorf("lexicon %s refers to itself through @references", n)
		return nil
	}
	c.busy[n] = true
	var out []pattern
	total := 0
	for _, p := range c.raw[n] {
		if q := c.phrase("lexicon "+n, p); q != nil {
			out = append(out, q)
			total += c.expansions(q)
		}
	}
	delete(c.busy, n)
	c.parsed[n] = out
	c.count[n] = total
	return out
}

// expansions is the number of phrases p stands for.
func (c *compiler) expansions(p pattern) int {
	n := 1
	for _, pt := range p {
		if pt.ref != "" {
			n *= c.count[pt.ref]
		}
	}
	return n
}

// phrase parses one written phrase; nil when it is wrong (reported) or
// refers only to empty lexicons.
func (c *compiler) phrase(where, p string) pattern {
	fields := strings.Fields(strings.ToLower(quoteFolder.Replace(p)))
	if len(fields) == 0 {
		c.errorf("%s: empty phrase", where)
		return nil
	}
	var out pattern
	var seq []elem
	flush := func() {
		if len(seq) > 0 {
			out = append(out, part{seq: seq})
			seq = nil
		}
	}
	n := 1
	for _, f := range fields {
		switch {
		case strings.HasPrefix(f, "@"):
			name := f[1:]
			if _, ok := c.raw[name]; !ok || strings.HasPrefix(name, "context.") {
				c.errorf("%s: phrase %q: unknown lexicon @%s", where, p, name)
				return nil
			}
			if len(c.lexicon(name)) == 0 {
				return nil
			}
			n *= c.count[name]
			if n > maxExpansion {
				c.errorf("%s: phrase %q expands to more than %d phrases", where, p, maxExpansion)
				return nil
			}
			flush()
			out = append(out, part{ref: name})
		case f == "*":
			seq = append(seq, elem{kind: eAny})
		case f == "#":
			seq = append(seq, elem{kind: eNum})
		case f == "#many":
			seq = append(seq, elem{kind: eMany})
		case numberRange.MatchString(f):
			m := numberRange.FindStringSubmatch(f)
			lo, _ := strconv.Atoi(m[1])
			hi, _ := strconv.Atoi(m[2])
			seq = append(seq, elem{kind: eRange, s: f, lo: lo, hi: hi})
		case strings.Count(f, "*") == 1 && len(f) > 1 && strings.HasSuffix(f, "*"):
			seq = append(seq, elem{kind: ePrefix, s: strings.TrimSuffix(f, "*")})
		case strings.Count(f, "*") == 1 && len(f) > 1 && strings.HasPrefix(f, "*"):
			seq = append(seq, elem{kind: eSuffix, s: strings.TrimPrefix(f, "*")})
		case strings.ContainsAny(f, "*#@"):
			c.errorf("%s: phrase %q: %q is not a word, *, word*, *suffix, #, #many or #lo-hi", where, p, f)
			return nil
		default:
			rawWords(f, func(w string, _ int) {
				for _, x := range c.t.norm.words(w, nil) {
					seq = append(seq, elem{kind: eLit, s: stemOf(x), word: x})
				}
			})
		}
	}
	flush()
	if len(out) == 0 {
		c.errorf("%s: phrase %q has no words", where, p)
		return nil
	}
	if out[0].ref == "" && out[0].seq[0].kind == eAny {
		c.errorf("%s: phrase %q must start with a word", where, p)
		return nil
	}
	return out
}
