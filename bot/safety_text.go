package bot

import (
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	porter "github.com/blevesearch/go-porterstemmer"
)

// This file turns a message into the token stream the safety rules match:
// lower-cased words with contractions, abbreviations and compounds
// rewritten, each with its Porter stem (or the stem of the key lexicon word
// it is a one-edit typo of), and the clause and sentence it is in. Phrases
// of the rules file go through the same steps, so "can't", "cant" and
// "cannot" in a message all meet "can not" in a lexicon.

// token is one normalized word of a message.
type token struct {
	word   string // normalized surface form ("can", "not", "bladder")
	stem   string // Porter stem, or the corrected key word's stem
	clause int32  // clause number: punctuation and clause-break words end a clause
	sent   int32  // sentence number: . ! ? and new lines end a sentence
	// flags set by the ConText pass (negated, historical, ...).
	flags uint8
	// node and inode are the children of the lexicon and idiom tries'
	// roots for stem (nil: no phrase starts with it), found once.
	node, inode *tnode
}

// Token flags set by context.
const (
	flagNegated uint8 = 1 << iota
	flagHistorical
	flagHypothetical
	flagOther // the experiencer is someone other than the writer
	// flagResolved: historical because the message says it is over
	flagResolved
	// flagReported: told as a story or news, or asked about as signs
	flagReported
)

// rewrites holds the built-in word rewrites applied before any rule:
// contractions with and without apostrophes. The rules file adds its own
// (abbreviations, compounds, slang) under normalize.rewrite.
var rewrites = map[string]string{
	"cant": "can not", "cannot": "can not", "dont": "do not", "doesnt": "does not", "didnt": "did not",
	"wont": "will not", "isnt": "is not", "arent": "are not", "wasnt": "was not", "werent": "were not",
	"havent": "have not", "hasnt": "has not", "hadnt": "had not", "couldnt": "could not",
	"shouldnt": "should not", "wouldnt": "would not", "mustnt": "must not", "aint": "is not",
	"shant": "shall not", "neednt": "need not", "im": "i am", "ive": "i have", "youre": "you are",
	"theyre": "they are", "thats": "that is", "whats": "what is", "theres": "there is",
	"wanna": "want to", "gonna": "going to", "gotta": "got to", "dunno": "do not know",
}

// contraction splits a word with an apostrophe ("can't", "i'm", "mum's").
func contraction(w string) string {
	switch w {
	case "can't":
		return "can not"
	case "won't":
		return "will not"
	case "shan't":
		return "shall not"
	case "ain't":
		return "is not"
	}
	i := strings.IndexByte(w, '\'')
	if i <= 0 {
		return strings.ReplaceAll(w, "'", "")
	}
	head, tail := w[:i], w[i+1:]
	switch tail {
	case "t":
		if strings.HasSuffix(head, "n") {
			return head[:len(head)-1] + " not"
		}
	case "m":
		return head + " am"
	case "ve":
		return head + " have"
	case "re":
		return head + " are"
	case "ll":
		return head + " will"
	case "d":
		return head + " would"
	case "s":
		if isVerbS[head] {
			return head + " is"
		}
		return head
	case "":
		return head
	}
	return head + tail
}

// isVerbS are the words whose "'s" is "is" (or "has"), never a possessive:
// "what's" reads as the apostrophe-less "whats" does, "what is", and
// "he's fitting" as "he is fitting". After a noun ("mum's") it is a
// possessive and is dropped.
var isVerbS = map[string]bool{
	"what": true, "that": true, "there": true, "here": true, "who": true, "where": true, "when": true,
	"why": true, "how": true, "it": true, "he": true, "she": true,
}

// isWordRune reports whether r belongs inside a word. '&' keeps "a&e"
// whole; apostrophes are resolved as contractions.
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'' || r == '&'
}

// boundary kinds between two raw words.
const (
	noBreak = iota
	clauseBreak
	sentenceBreak
)

// rawWords splits lower-cased text into words, calling emit with each word
// and the strongest boundary seen since the previous word. Digits and
// letters are split ("10kg" -> "10", "kg").
func rawWords(s string, emit func(w string, brk int)) {
	brk := sentenceBreak
	start := -1
	prevDigit := false
	flush := func(end int) {
		if start >= 0 {
			w := strings.Trim(s[start:end], "'")
			if w != "" {
				emit(w, brk)
				brk = noBreak
			}
			start = -1
		}
	}
	for i, r := range s {
		if r == '.' && start >= 0 && prevDigit && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9' {
			continue // a decimal point: "38.5" is one number, not two sentences
		}
		if isWordRune(r) {
			d := unicode.IsDigit(r)
			if start >= 0 && d != prevDigit && r != '\'' {
				flush(i)
			}
			if start < 0 {
				start = i
			}
			if r != '\'' {
				prevDigit = d
			}
			continue
		}
		flush(i)
		switch r {
		case '.', '!', '?', '\n', '\r':
			brk = sentenceBreak
		case ',', ';', ':', '(', ')', '[', ']', '"', '/', '\u2013', '\u2014', '|', '+', '=':
			if brk < clauseBreak {
				brk = clauseBreak
			}
		case '-':
			// "self-harm" stays one clause; " - " is a clause break.
			if i > 0 && i+1 < len(s) && s[i-1] != ' ' && s[i+1] != ' ' {
				continue
			}
			if brk < clauseBreak {
				brk = clauseBreak
			}
		}
	}
	flush(len(s))
}

// quotePairs straighten the apostrophes people type.
var quotePairs = []string{"\u2019", "'", "\u2018", "'", "`", "'", "\u00b4", "'", "\u02bc", "'"}

// emojiPairs write out the emoji that stand for a means of harm in chat
// ("took everything in the cupboard 💊💊"); the tokenizer would drop them.
// Only emoji whose sense is the object itself: not 💀 or ⚰️, which chat
// uses for laughing ("im dead 💀").
// origin: Unicode CLDR short names (U+1F48A pill, U+1F52A kitchen knife, U+1FA78 drop of blood)
var emojiPairs = []string{"\U0001F48A", " pills ", "\U0001F52A", " knife ", "\U0001FA78", " blood "}

// quoteFolder folds the rules' own phrases; messageFolder folds a message
// in one pass, its emoji too.
var (
	quoteFolder   = strings.NewReplacer(quotePairs...)
	messageFolder = strings.NewReplacer(append(slices.Clone(quotePairs), emojiPairs...)...)
)

// stemOf is the Porter stem of a lower-case word; words with characters
// outside a-z are kept as they are.
func stemOf(w string) string {
	for i := 0; i < len(w); i++ {
		if c := w[i]; c < 'a' || c > 'z' {
			return w
		}
	}
	if len(w) <= 2 {
		return w
	}
	return string(porter.StemWithoutLowerCasing([]rune(w)))
}

// oneEdit reports whether a and b differ by exactly one insertion,
// deletion, substitution or swap of neighbouring letters.
func oneEdit(a, b string) bool {
	la, lb := len(a), len(b)
	if la == lb {
		diff := -1
		for i := 0; i < la; i++ {
			if a[i] != b[i] {
				if diff >= 0 {
					// a second difference: only a swap of neighbours is one edit
					return diff == i-1 && a[diff] == b[i] && a[i] == b[diff] && a[i+1:] == b[i+1:]
				}
				diff = i
			}
		}
		return diff >= 0
	}
	if la+1 == lb {
		a, b = b, a
		la, lb = lb, la
	}
	if la != lb+1 {
		return false
	}
	// a is one longer: b is a with one letter deleted
	i := 0
	for i < lb && a[i] == b[i] {
		i++
	}
	return a[i+1:] == b[i:]
}

// numberValue returns the value of a numeric token or a number word.
func numberValue(w string) (int, bool) {
	if w == "" {
		return 0, false
	}
	if c := w[0]; c >= '0' && c <= '9' {
		if i := strings.IndexByte(w, '.'); i > 0 {
			w = w[:i] // a decimal: its whole part
		}
		n, err := strconv.Atoi(w)
		return n, err == nil
	}
	switch w[0] {
	case 'o', 't', 'f', 's', 'e', 'n', 'h', 'd':
		n, ok := numberWords[w]
		return n, ok
	}
	return 0, false
}

var numberWords = map[string]int{
	"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
	"ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40,
	"fifty": 50, "hundred": 100, "dozen": 12, "dozens": 24, "hundreds": 100,
}

// normalizer holds what turning text into tokens needs, built at load.
type normalizer struct {
	// dict holds, for the words it knows, their rewrite (contractions,
	// abbreviations, compounds: "cant" -> "can not") or their stem (every
	// word as written in a phrase), so common words need one lookup and no
	// stemmer.
	dict map[string]dictEntry
	// vocab is every stem some phrase uses; a token whose stem is not in
	// it is a typo candidate.
	vocab map[string]bool
	// prefixes marks the first three letters of every word form and stem a
	// phrase can match, so most words of a long message skip the stemmer.
	prefixes []bool
	// typos lists, by first letter, the key words (six letters or more)
	// a one-edit misspelling is corrected to.
	typos map[byte][]typoTarget
	known map[string]bool // words never corrected as typos
	// lexRoot and idiomRoot are the roots of the tries, for token.node.
	lexRoot, idiomRoot *tnode
}

type dictEntry struct {
	rewrite     []string // non-nil: the word is replaced by these words
	stem        string
	hasStem     bool
	node, inode *tnode // see token
}

type typoTarget struct{ word, stem string }

// prefixIndex maps the first three bytes of a word to an index of
// normalizer.prefixes: letters and digits each have a slot, anything else
// shares one.
func prefixIndex(w string) int {
	i := 0
	for k := 0; k < 3; k++ {
		c := 0
		if k < len(w) {
			switch b := w[k]; {
			case b >= 'a' && b <= 'z':
				c = int(b-'a') + 1
			case b >= '0' && b <= '9':
				c = int(b-'0') + 27
			default:
				c = 37
			}
		}
		i = i*38 + c
	}
	return i
}

const prefixSlots = 38 * 38 * 38

func (n *normalizer) rewriteOf(w string) ([]string, bool) {
	e, ok := n.dict[w]
	return e.rewrite, ok && e.rewrite != nil
}

// words rewrites one raw word into its normalized words.
func (n *normalizer) words(w string, out []string) []string {
	if r, ok := n.rewriteOf(w); ok {
		return append(out, r...)
	}
	if strings.IndexByte(w, '\'') >= 0 {
		w = contraction(w)
		if strings.IndexByte(w, ' ') >= 0 {
			for _, p := range strings.Fields(w) {
				out = n.words(p, out)
			}
			return out
		}
		if r, ok := n.rewriteOf(w); ok {
			return append(out, r...)
		}
	}
	return append(out, w)
}

// tokenize turns text into tokens. It never fails: any string gives some
// (possibly empty) token list.
func (n *normalizer) tokenize(text string) []token { return n.tokenizeInto(nil, text, nil) }

// tokenizeInto appends the tokens of text to toks. memo, when not nil,
// remembers each unknown word's token for the rest of the message.
func (n *normalizer) tokenizeInto(toks []token, text string, memo map[string]token) []token {
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, " ")
	}
	text = n.deleet(messageFolder.Replace(strings.ToLower(text)))
	var clause, sent int32 = -1, -1
	var buf []string
	rawWords(text, func(w string, brk int) {
		switch brk {
		case sentenceBreak:
			sent++
			clause++
		case clauseBreak:
			clause++
		}
		if e, ok := n.dict[w]; ok && e.hasStem {
			// the common case: a known word, one lookup
			toks = append(toks, token{word: w, stem: e.stem, clause: clause, sent: sent, node: e.node, inode: e.inode})
			return
		}
		if memo != nil {
			if tk, ok := memo[w]; ok {
				tk.clause, tk.sent = clause, sent
				toks = append(toks, tk)
				return
			}
		}
		buf = n.words(w, buf[:0])
		for _, x := range buf {
			toks = append(toks, n.token(x, clause, sent))
		}
		if memo != nil && len(buf) == 1 {
			memo[w] = toks[len(toks)-1]
		}
	})
	return toks
}

// leetRunes are the digits and signs written for letters in "leetspeak",
// the spelling people use to get a message past a filter ("k1ll mys3lf",
// "$uicide"); 1 is i or l.
var leetRunes = map[byte]byte{'0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', '$': 's'}

// deleet rewrites the words of text that mix letters with leetRunes into
// letters when the result is a word some phrase uses ("k1ll" -> "kill");
// anything else ("b12", "10kg", "covid19", "5am") is left as written.
func (n *normalizer) deleet(text string) string {
	var b strings.Builder
	last := 0
	for i := 0; i < len(text); {
		if !leetWordBytes[text[i]] {
			i++
			continue
		}
		j := i
		letters, leet := 0, 0
		for j < len(text) && leetWordBytes[text[j]] {
			if c := text[j]; c >= 'a' && c <= 'z' {
				letters++
			} else {
				leet++
			}
			j++
		}
		if letters >= 2 && leet > 0 {
			if w, ok := n.unleet(text[i:j]); ok {
				b.WriteString(text[last:i])
				b.WriteString(w)
				last = j
			}
		}
		i = j
	}
	if last == 0 {
		return text
	}
	b.WriteString(text[last:])
	return b.String()
}

// leetWordBytes marks the bytes a leetspeak word is made of: a-z and the
// keys of leetRunes (a table, as deleet reads every byte of a message).
var leetWordBytes = func() (t [256]bool) {
	for c := 'a'; c <= 'z'; c++ {
		t[c] = true
	}
	for c := range leetRunes {
		t[c] = true
	}
	return t
}()

// unleet is w with its leetRunes as letters (1 as i, else as l) when that
// is a word of the phrases and w itself is not.
func (n *normalizer) unleet(w string) (string, bool) {
	if _, ok := n.dict[w]; ok {
		return "", false
	}
	out := []byte(w)
	for _, one := range []byte{'i', 'l'} {
		for k, c := range []byte(w) {
			if r, ok := leetRunes[c]; ok {
				if c == '1' {
					r = one
				}
				out[k] = r
			}
		}
		if e, ok := n.dict[string(out)]; ok && e.hasStem {
			return string(out), true
		}
		if !strings.ContainsRune(w, '1') {
			break // the second spelling would be the same
		}
	}
	return "", false
}

// token makes the token of one normalized word.
func (n *normalizer) token(w string, clause, sent int32) token {
	if e, ok := n.dict[w]; ok && e.hasStem {
		return token{word: w, stem: e.stem, clause: clause, sent: sent, node: e.node, inode: e.inode}
	}
	// A dropped g ("cuttin", "thinkin", "bleedin") is the -ing form a
	// phrase knows.
	if len(w) >= 5 && strings.HasSuffix(w, "in") {
		if e, ok := n.dict[w+"g"]; ok && e.hasStem {
			return token{word: w + "g", stem: e.stem, clause: clause, sent: sent, node: e.node, inode: e.inode}
		}
	}
	tk := token{word: w, stem: n.stem(w), clause: clause, sent: sent}
	n.link(&tk)
	return tk
}

// link sets tk's trie nodes from its stem.
func (n *normalizer) link(tk *token) {
	if n.lexRoot != nil {
		tk.node = n.lexRoot.get(tk.stem)
	}
	if n.idiomRoot != nil {
		tk.inode = n.idiomRoot.get(tk.stem)
	}
}

// stem is the stem a word matches phrases with: its Porter stem, or that
// of the key word it misspells.
func (n *normalizer) stem(w string) string {
	if e, ok := n.dict[w]; ok && e.hasStem {
		return e.stem
	}
	var s string
	if n.prefixes[prefixIndex(w)] {
		s = stemOf(w)
		if n.vocab[s] {
			return s
		}
	} else {
		s = w
	}
	if len(w) < 5 || n.known[w] {
		return s
	}
	for _, t := range n.typos[w[0]] {
		if d := len(t.word) - len(w); d >= -1 && d <= 1 && oneEdit(t.word, w) {
			return t.stem
		}
	}
	return s
}
