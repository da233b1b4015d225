package search

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// wordnetGz is data derived from WordNet 3.0 by scripts/wordnet.sh (see
// data/WORDNET-LICENSE and scripts/wordnet/build.go for the format): each
// single-word lemma's senses as lexicographer classes with tag counts,
// the irregular inflections of the *.exc files, and derivational links.
//
//go:embed data/wordnet.tsv.gz
var wordnetGz []byte

// lexClass is a WordNet lexicographer file number (the lexnames table):
// the coarse semantic class of a sense, such as noun.body or verb.motion.
// It also tells the sense's part of speech.
type lexClass uint8

// lexNames is WordNet 3.0's lexnames table, indexed by lexClass.
var lexNames = [...]string{
	"adj.all", "adj.pert", "adv.all", "noun.Tops", "noun.act", "noun.animal",
	"noun.artifact", "noun.attribute", "noun.body", "noun.cognition",
	"noun.communication", "noun.event", "noun.feeling", "noun.food",
	"noun.group", "noun.location", "noun.motive", "noun.object",
	"noun.person", "noun.phenomenon", "noun.plant", "noun.possession",
	"noun.process", "noun.quantity", "noun.relation", "noun.shape",
	"noun.state", "noun.substance", "noun.time", "verb.body", "verb.change",
	"verb.cognition", "verb.communication", "verb.competition",
	"verb.consumption", "verb.contact", "verb.creation", "verb.emotion",
	"verb.motion", "verb.perception", "verb.possession", "verb.social",
	"verb.stative", "verb.weather", "adj.ppl",
}

// The lexicographer classes the code names.
const (
	lexNounAct        lexClass = 4
	lexNounAnimal     lexClass = 5
	lexNounArtifact   lexClass = 6
	lexNounBody       lexClass = 8
	lexNounFood       lexClass = 13
	lexNounObject     lexClass = 17
	lexNounPhenomenon lexClass = 19
	lexNounPlant      lexClass = 20
	lexNounProcess    lexClass = 22
	lexNounState      lexClass = 26
	lexNounSubstance  lexClass = 27
	lexNounTime       lexClass = 28
)

// String gives the class's WordNet name, e.g. "noun.body".
func (c lexClass) String() string {
	if int(c) < len(lexNames) {
		return lexNames[c]
	}
	return "lex." + strconv.Itoa(int(c))
}

// Parts of speech, as indexes of wnPOSCodes.
const (
	wnNoun = iota
	wnVerb
	wnAdj
	wnAdv
)

// wnPOSCodes are the part-of-speech letters of the data file.
const wnPOSCodes = "nvar"

// pos gives the class's part of speech (wnNoun, wnVerb, wnAdj or wnAdv).
func (c lexClass) pos() int {
	switch {
	case c == 0 || c == 1 || c == 44:
		return wnAdj
	case c == 2:
		return wnAdv
	case c <= 28:
		return wnNoun
	default:
		return wnVerb
	}
}

// topicClasses are the noun classes whose words name a thing a health
// question is about. The choice is data with an origin, from reading
// where WordNet files everyday health words (dominant noun sense):
//
//   - noun.body: knee, shoulder, back, skin, muscle.
//   - noun.state: conditions and diseases: insomnia, diabetes, fever,
//     pain, anxiety, infection, injury, allergy, cancer, flu.
//   - noun.artifact: products, devices and drugs: ibuprofen, aspirin,
//     vaccine, mask, pillow, mattress, pill, dose. It also holds
//     buildings and furniture (office, desk, house): WordNet files them
//     with the devices, and we keep them rather than lose the drugs.
//   - noun.substance, noun.food: caffeine, sugar, water; alcohol, diet.
//   - noun.animal, noun.plant, noun.object: pets, ticks, pollen plants,
//     sun, moon.
//   - noun.process: natural processes: digestion, ovulation, reaction.
//
// Left out, as context words: noun.time (week, day, year),
// noun.communication (advice, question), noun.cognition, noun.attribute
// (age, posture, weight: mixed, mostly context), noun.person (doctor,
// therapist, wife: who said or asked, rarely what it is about), noun.act
// (help, work, killing, tennis, but also therapy, massage and surgery:
// too mixed to take whole), noun.feeling (anxiety and pain are
// noun.state first anyway; hope, love, interest are context),
// noun.phenomenon (pressure, heat, effect, result, chance: mostly
// context) and noun.event. Verbs, adjectives and adverbs are never topic
// words.
//
// Known misses, left to the ranker's other signals (IDF, its lists):
// noun.state is broad, so problem, thing, life, situation and condition
// are topic words too, and so are buildings and furniture (office, desk,
// room); headache is not, as its most tagged sense is the figurative
// noun.cognition one, nor is massage (mostly a verb in WordNet).
// Taking a word as topic when topic classes hold a third of its noun
// tag counts would add headache, breath and supplement but also home,
// level, table, record and stage, so the rule stays the dominant sense.
var topicClasses = [len(lexNames)]bool{
	lexNounBody: true, lexNounState: true, lexNounArtifact: true,
	lexNounSubstance: true, lexNounFood: true, lexNounAnimal: true,
	lexNounPlant: true, lexNounObject: true, lexNounProcess: true,
}

// wnSense is one sense packed as class<<24 | tag count.
type wnSense uint32

func (s wnSense) class() lexClass { return lexClass(s >> 24) }
func (s wnSense) count() int      { return int(s & (1<<24 - 1)) }

// wnEntry is one word of the data: a lemma, an inflected form with
// irregular bases, or both. Its parts are ranges of wordNet's arrays.
type wnEntry struct {
	sense      uint32 // start in senses
	exc        uint32 // start in refs: irregular bases
	der        uint32 // start in refs: derivationally related forms
	nameOff    uint32 // the word is text[nameOff : nameOff+nameLen]
	nSense     uint16
	nameLen    uint8
	nExc, nDer uint8
	posFlags   uint8 // bit p set: the word is a lemma of part of speech p
}

// wordNet is the parsed data. All strings are slices of text.
type wordNet struct {
	text string
	// syn is the #syn section, left unparsed: its lines are sorted, and
	// synonyms binary-searches them (synLines, made on first use).
	syn      string
	synOnce  sync.Once
	synLines []uint32
	ids      map[string]uint32 // word -> index in entries
	entries  []wnEntry
	senses   []wnSense
	refs     []uint32 // entry index | part of speech << 30 (for exceptions)
}

var (
	wnOnce sync.Once
	wnData *wordNet
	wnErr  error
)

// loadWordNet parses the embedded data once and returns it. Should the
// data not parse (a broken build; TestWordNetData guards it), it returns
// an empty WordNet, so every word is unknown to it, and wordNetErr says
// why; New refuses to build an index then.
func loadWordNet() *wordNet {
	wnOnce.Do(func() {
		wnData, wnErr = parseWordNet(wordnetGz)
		if wnErr != nil {
			wnData, wnErr = &wordNet{}, fmt.Errorf("search: embedded WordNet data: %w", wnErr)
		}
	})
	return wnData
}

// wordNetErr is why the embedded WordNet data did not parse, or nil.
func wordNetErr() error {
	loadWordNet()
	return wnErr
}

// parseWordNet reads the gzipped TSV that scripts/wordnet/build.go writes.
func parseWordNet(gz []byte) (*wordNet, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, err
	}
	var sb strings.Builder
	sb.Grow(2 << 20)
	if _, err := io.Copy(&sb, zr); err != nil {
		return nil, err
	}
	wn := &wordNet{text: sb.String()}
	wn.ids = make(map[string]uint32, 100000)
	wn.entries = make([]wnEntry, 0, 100000)
	wn.senses = make([]wnSense, 0, 160000)
	wn.refs = make([]uint32, 0, 80000)

	text := wn.text
	section := ""
	for pos := 0; pos < len(text); {
		end := strings.IndexByte(text[pos:], '\n')
		if end < 0 {
			end = len(text) - pos
		}
		line, lineOff := text[pos:pos+end], pos
		pos += end + 1
		if line == "" {
			continue
		}
		if line[0] == '#' {
			section = line
			if section == "#syn" {
				wn.syn = text[pos:]
				break
			}
			continue
		}
		if err := wn.parseLine(section, line, lineOff); err != nil {
			return nil, err
		}
	}
	return wn, nil
}

// parseLine parses one line of section (its heading, "#lemmas", "#exc"
// or "#der"), the word, a tab and its comma-separated items, which starts
// at lineOff in wn.text.
func (wn *wordNet) parseLine(section, line string, lineOff int) error {
	tab := strings.IndexByte(line, '\t')
	if tab <= 0 || tab > 255 {
		return errBadLine(line)
	}
	id := wn.entry(line[:tab], uint32(lineOff))
	switch section {
	case "#lemmas":
		return wn.parseLemmas(id, line, line[tab+1:])
	case "#exc":
		return wn.parseExceptions(id, line, lineOff+tab+1, lineOff+len(line))
	case "#der":
		wn.parseDerived(id, lineOff+tab+1, lineOff+len(line))
		return nil
	default:
		return errBadLine(line)
	}
}

// parseLemmas gives entry id the senses in items ("class:count" or
// "class", comma-separated) of its #lemmas line.
func (wn *wordNet) parseLemmas(id uint32, line, items string) error {
	e := &wn.entries[id]
	e.sense = uint32(len(wn.senses))
	for rest := items; rest != ""; {
		var item string
		item, rest = cutComma(rest)
		cls, cnt, _ := strings.Cut(item, ":")
		c, err := strconv.Atoi(cls)
		if err != nil || c >= len(lexNames) {
			return errBadLine(line)
		}
		n := 0
		if cnt != "" {
			if n, err = strconv.Atoi(cnt); err != nil {
				return errBadLine(line)
			}
		}
		wn.senses = append(wn.senses, wnSense(c<<24|n))
		e.posFlags |= 1 << lexClass(c).pos()
	}
	e.nSense = uint16(len(wn.senses) - int(e.sense))
	return nil
}

// parseExceptions gives entry id the irregular bases of its #exc line,
// items "p:base" in wn.text[off:end] (p a part-of-speech code).
func (wn *wordNet) parseExceptions(id uint32, line string, off, end int) error {
	start := uint32(len(wn.refs))
	for off < end {
		item := commaItem(wn.text, off, end)
		if len(item) < 3 || item[1] != ':' {
			return errBadLine(line)
		}
		p := strings.IndexByte(wnPOSCodes, item[0])
		if p < 0 {
			return errBadLine(line)
		}
		base := wn.entry(item[2:], uint32(off+2))
		wn.refs = append(wn.refs, base|uint32(p)<<30)
		off += len(item) + 1
	}
	e := &wn.entries[id]
	e.exc, e.nExc = start, uint8(uint32(len(wn.refs))-start)
	return nil
}

// parseDerived gives entry id the derived words of its #der line, in
// wn.text[off:end].
func (wn *wordNet) parseDerived(id uint32, off, end int) {
	start := uint32(len(wn.refs))
	for off < end {
		item := commaItem(wn.text, off, end)
		wn.refs = append(wn.refs, wn.entry(item, uint32(off)))
		off += len(item) + 1
	}
	e := &wn.entries[id]
	e.der, e.nDer = start, uint8(uint32(len(wn.refs))-start)
}

// entry returns the index of word's entry, adding one whose name is
// text[off:off+len(word)] when it is new.
func (wn *wordNet) entry(word string, off uint32) uint32 {
	if id, ok := wn.ids[word]; ok {
		return id
	}
	id := uint32(len(wn.entries))
	wn.entries = append(wn.entries, wnEntry{nameOff: off, nameLen: uint8(len(word))})
	wn.ids[wn.name(id)] = id
	return id
}

// name gives the word of entry id.
func (wn *wordNet) name(id uint32) string {
	e := &wn.entries[id]
	return wn.text[e.nameOff : e.nameOff+uint32(e.nameLen)]
}

// commaItem gives text[off:] up to the next comma or end.
func commaItem(text string, off, end int) string {
	if i := strings.IndexByte(text[off:end], ','); i >= 0 {
		return text[off : off+i]
	}
	return text[off:end]
}

// cutComma splits s at its first comma.
func cutComma(s string) (item, rest string) {
	if i := strings.IndexByte(s, ','); i >= 0 {
		return s[:i], s[i+1:]
	}
	return s, ""
}

type errBadLine string

func (e errBadLine) Error() string { return "bad line " + strconv.Quote(string(e)) }

// lemmaSenses gives the senses of w when it is a lemma, else nil.
func (wn *wordNet) lemmaSenses(w string) []wnSense {
	id, ok := wn.ids[w]
	if !ok || wn.entries[id].nSense == 0 {
		return nil
	}
	e := &wn.entries[id]
	return wn.senses[e.sense : e.sense+uint32(e.nSense) : e.sense+uint32(e.nSense)]
}

// isLemma reports whether w is a lemma of part of speech p.
func (wn *wordNet) isLemma(w string, p int) bool {
	id, ok := wn.ids[w]
	return ok && wn.entries[id].posFlags&(1<<p) != 0
}

// wordSenses gives the senses of lowercase w, most frequent first: its
// own when it is a lemma, else those of its base forms merged by tag
// count.
func (wn *wordNet) wordSenses(w string) []wnSense {
	if s := wn.lemmaSenses(w); s != nil {
		return s
	}
	bases := wn.bases(w)
	if len(bases) == 1 {
		return wn.lemmaSenses(bases[0])
	}
	var out []wnSense
	for _, b := range bases {
		out = append(out, wn.lemmaSenses(b)...)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].count() > out[j].count() })
	return out
}

// morphy's detachment rules (WordNet's morph.c): suffix -> ending, per
// part of speech. Adverbs have none.
var wnRules = [3][][2]string{
	wnNoun: {{"s", ""}, {"ses", "s"}, {"xes", "x"}, {"zes", "z"}, {"ches", "ch"}, {"shes", "sh"}, {"men", "man"}, {"ies", "y"}},
	wnVerb: {{"s", ""}, {"ies", "y"}, {"es", "e"}, {"es", ""}, {"ed", "e"}, {"ed", ""}, {"ing", "e"}, {"ing", ""}},
	wnAdj:  {{"er", ""}, {"est", ""}, {"er", "e"}, {"est", "e"}},
}

// bases gives the base forms of lowercase w other than w, as WordNet's
// morphy finds them: for each part of speech, w's irregular bases from
// the exception lists when it has some, else the lemmas of that part of
// speech that the detachment rules give.
func (wn *wordNet) bases(w string) []string {
	var out []string
	var exc []uint32
	if id, ok := wn.ids[w]; ok {
		e := &wn.entries[id]
		exc = wn.refs[e.exc : e.exc+uint32(e.nExc)]
	}
	for p := wnNoun; p <= wnAdv; p++ {
		found := false
		for _, r := range exc {
			if int(r>>30) == p {
				out = addBase(out, w, wn.name(r&(1<<30-1)))
				found = true
			}
		}
		if !found && p != wnAdv {
			out = wn.ruleBases(out, w, p)
		}
	}
	return out
}

// ruleBases appends to out the lemmas of part of speech p (not an adverb)
// that the detachment rules give for w.
func (wn *wordNet) ruleBases(out []string, w string, p int) []string {
	if p == wnNoun {
		if strings.HasSuffix(w, "ful") && len(w) > 3 {
			// "handsful" -> "handful": the rules on the head.
			for _, b := range wn.bases(w[:len(w)-3]) {
				if wn.isLemma(b+"ful", wnNoun) {
					out = addBase(out, w, b+"ful")
				}
			}
			return out
		}
		if strings.HasSuffix(w, "ss") || len(w) <= 2 {
			return out
		}
	}
	for _, r := range wnRules[p] {
		if len(w) > len(r[0]) && strings.HasSuffix(w, r[0]) {
			if b := w[:len(w)-len(r[0])] + r[1]; wn.isLemma(b, p) {
				out = addBase(out, w, wn.name(wn.ids[b])) // the stored string, not the new one
			}
		}
	}
	return out
}

// addBase appends base b of w to out unless it is w or already there.
func addBase(out []string, w, b string) []string {
	if b == w || slices.Contains(out, b) {
		return out
	}
	return append(out, b)
}

// lemmaSynonyms gives the synonyms of lemma w (see the #syn section in
// scripts/wordnet/build.go): the other single-word members of synsets
// that are a common sense of both. Nil when there are none.
func (wn *wordNet) lemmaSynonyms(w string) []string {
	wn.synOnce.Do(func() {
		for off := 0; off < len(wn.syn); {
			wn.synLines = append(wn.synLines, uint32(off))
			i := strings.IndexByte(wn.syn[off:], '\n')
			if i < 0 {
				break
			}
			off += i + 1
		}
	})
	line := func(k int) string {
		l := wn.syn[wn.synLines[k]:]
		if i := strings.IndexByte(l, '\n'); i >= 0 {
			l = l[:i]
		}
		return l
	}
	k := sort.Search(len(wn.synLines), func(k int) bool {
		lemma, _, _ := strings.Cut(line(k), "\t")
		return lemma >= w
	})
	if k == len(wn.synLines) {
		return nil
	}
	lemma, list, _ := strings.Cut(line(k), "\t")
	if lemma != w || list == "" {
		return nil
	}
	return strings.Split(list, ",")
}

// wordSynonyms gives WordNet synonyms of lowercase w: of w itself when it
// is a lemma, else of its base forms ("originated" -> "originate" ->
// "arise", "develop", ...).
func wordSynonyms(w string) []string {
	wn := loadWordNet()
	w = strings.ToLower(w)
	if wn.lemmaSenses(w) != nil {
		return wn.lemmaSynonyms(w)
	}
	var out []string
	for _, b := range wn.bases(w) {
		out = append(out, wn.lemmaSynonyms(b)...)
	}
	return out
}

// wordClasses gives the lexicographer classes of w's senses (one per
// sense, so a class can repeat), most frequent sense first across parts
// of speech. w is lowercased; when it is not a lemma, the senses of its
// base forms (wordBase) are used, and only then: "lying" is a noun lemma
// (noun.act) and gives its own senses, not those of lie. Nil when
// WordNet does not know w.
func wordClasses(w string) []lexClass {
	senses := loadWordNet().wordSenses(strings.ToLower(w))
	if len(senses) == 0 {
		return nil
	}
	out := make([]lexClass, len(senses))
	for i, s := range senses {
		out[i] = s.class()
	}
	return out
}

// wordBase gives w's base forms other than w itself, lowercased: its
// irregular bases (feet -> foot, slept -> sleep, worse -> bad) and the
// lemmas WordNet's morphy detachment rules give for nouns, verbs and
// adjectives (pills -> pill, called -> call). Only WordNet lemmas are
// returned; nil when there are none.
func wordBase(w string) []string {
	return loadWordNet().bases(strings.ToLower(w))
}

// derivedForms gives the single-word lemmas WordNet links to lowercase
// w as derivationally related forms (pointer "+"), sorted: sleepy ->
// sleep, sleepiness. Nil when there are none.
func derivedForms(w string) []string {
	wn := loadWordNet()
	id, ok := wn.ids[strings.ToLower(w)]
	if !ok {
		return nil
	}
	e := &wn.entries[id]
	if e.nDer == 0 {
		return nil
	}
	out := make([]string, e.nDer)
	for i, r := range wn.refs[e.der : e.der+uint32(e.nDer)] {
		out[i] = wn.name(r)
	}
	return out
}

// nounShare gives the share of w's tagged sense counts that are noun
// senses, 0..1; when none of w's senses is tagged, the share of its
// senses that are nouns. 0 when WordNet does not know w.
func nounShare(w string) float64 {
	return nounShareOf(loadWordNet().wordSenses(strings.ToLower(w)))
}

func nounShareOf(senses []wnSense) float64 {
	noun, total := 0, 0
	for _, s := range senses {
		if s.class().pos() == wnNoun {
			noun += s.count()
		}
		total += s.count()
	}
	if total == 0 {
		for _, s := range senses {
			if s.class().pos() == wnNoun {
				noun++
			}
		}
		total = len(senses)
	}
	if total == 0 {
		return 0
	}
	return float64(noun) / float64(total)
}

// isTopicWord reports whether w names a thing a health question is
// about (knee, insomnia, vaccine, pillow) rather than its context
// (lately, weeks, tell, help, worse): w is mostly a noun (nounShare at
// least 0.5) and its dominant noun sense, the one with the largest tag
// count (the first on a tie), is in one of topicClasses.
func isTopicWord(w string) bool {
	senses := loadWordNet().wordSenses(strings.ToLower(w))
	if nounShareOf(senses) < 0.5 {
		return false
	}
	best := -1
	for i, s := range senses {
		if s.class().pos() == wnNoun && (best < 0 || s.count() > senses[best].count()) {
			best = i
		}
	}
	return best >= 0 && topicClasses[senses[best].class()]
}
