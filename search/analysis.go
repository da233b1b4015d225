package search

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
	"github.com/blevesearch/bleve/v2/analysis/token/stop"
	unicodetok "github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/analysis/tokenmap"
	"github.com/blevesearch/bleve/v2/mapping"
)

// analyzerName is the English analyzer used for every indexed field and for
// query terms: unicode words, possessives dropped, lower case, stop words
// (Snowball's list plus chat filler), Porter stemming.
const analyzerName = "faqbot_en"

//go:embed data/filler.txt
var fillerData string

//go:embed data/chat.txt
var chatData string

//go:embed data/generic.txt
var genericData string

//go:embed data/words.gz
var wordsGz []byte

// fillerWords are chat and question filler that carry no topic ("please",
// "hi", "ok"); they join the stop words.
var fillerWords = wordSet(fillerData)

// genericWords are common English words that say little about a topic
// ("better", "seeing", "tell"); they count little towards confidence.
var genericWords = wordSet(genericData)

// stopWords is Snowball's English stop list, as bleve's stop_en uses it.
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, l := range strings.Split(string(en.EnglishStopWords), "\n") {
		if i := strings.Index(l, "|"); i >= 0 {
			l = l[:i]
		}
		for _, w := range strings.Fields(l) {
			m[strings.ReplaceAll(w, "`", "'")] = true
		}
	}
	return m
}()

func wordSet(data string) map[string]bool {
	m := map[string]bool{}
	for _, l := range strings.Split(data, "\n") {
		if i := strings.Index(l, "#"); i >= 0 {
			l = l[:i]
		}
		for _, w := range strings.Fields(strings.ToLower(l)) {
			m[w] = true
		}
	}
	return m
}

// chatWords maps chat spellings to the words they stand for ("shud" →
// "should", "gonna" → "going to"); see data/chat.txt. The built-in file has
// no bad lines (TestChatData); parseChat's errors are for files an operator
// might one day pass, so none is ever fatal here.
var chatWords, _ = parseChat("data/chat.txt", chatData)

// parseChat reads "short = words" lines ('#' starts a comment); a bad line
// is left out and reported with its file and line.
func parseChat(name, data string) (map[string][]string, error) {
	m := map[string][]string{}
	var errs []error
	for n, l := range strings.Split(data, "\n") {
		if i := strings.Index(l, "#"); i >= 0 {
			l = l[:i]
		}
		if strings.TrimSpace(l) == "" {
			continue
		}
		from, to, ok := strings.Cut(strings.ToLower(l), "=")
		from, words := strings.TrimSpace(from), strings.Fields(to)
		if !ok || from == "" || strings.ContainsAny(from, " \t") || len(words) == 0 {
			errs = append(errs, fmt.Errorf("%s:%d: want \"short = words\", got %q", name, n+1, strings.TrimSpace(l)))
			continue
		}
		m[from] = words
	}
	return m, errors.Join(errs...)
}

// questionWords splits a question into words (splitWords) with its chat
// spellings written out (chatWords, then the operator's lex). Only
// questions are rewritten: content is written out already.
func questionWords(q string, lex *Lexicons) []string {
	words := splitWords(q)
	rewrite := func(w string) ([]string, bool) {
		if to, ok := lex.chatFor(w); ok {
			return to, true
		}
		to, ok := chatWords[w]
		return to, ok
	}
	for i, w := range words {
		if _, ok := rewrite(w); ok {
			out := make([]string, 0, len(words)+2)
			out = append(out, words[:i]...)
			for _, w := range words[i:] {
				if to, ok := rewrite(w); ok {
					out = append(out, to...)
				} else {
					out = append(out, w)
				}
			}
			return out
		}
	}
	return words
}

// isStop reports whether w (lower case) is a stop or filler word.
func isStop(w string) bool { return stopWords[w] || fillerWords[w] }

var (
	dictOnce sync.Once
	dict     map[string]struct{}
)

// isEnglishWord reports whether w (lower case) is in the bundled English
// word list (SCOWL, via Debian's wamerican). It tells a real word that the
// content lacks ("knee", "cost") from a typo worth correcting ("masage").
func isEnglishWord(w string) bool {
	dictOnce.Do(func() {
		dict = make(map[string]struct{}, 64000)
		zr, err := gzip.NewReader(bytes.NewReader(wordsGz))
		if err != nil {
			return
		}
		sc := bufio.NewScanner(zr)
		for sc.Scan() {
			dict[sc.Text()] = struct{}{}
		}
	})
	_, ok := dict[w]
	return ok
}

// addAnalysis registers the faqbot analyzer on an index mapping.
func addAnalysis(im *mapping.IndexMappingImpl) error {
	tokens := []interface{}{}
	for w := range fillerWords {
		tokens = append(tokens, w)
	}
	if err := im.AddCustomTokenMap("faqbot_filler", map[string]interface{}{"type": tokenmap.Name, "tokens": tokens}); err != nil {
		return err
	}
	if err := im.AddCustomTokenFilter("faqbot_filler_stop", map[string]interface{}{"type": stop.Name, "stop_token_map": "faqbot_filler"}); err != nil {
		return err
	}
	return im.AddCustomAnalyzer(analyzerName, map[string]interface{}{
		"type":          custom.Name,
		"tokenizer":     unicodetok.Name,
		"token_filters": []string{en.PossessiveName, lowercase.Name, en.StopName, "faqbot_filler_stop", porter.Name},
	})
}

// analyzer is a standalone instance of the index analyzer, used to analyze
// content for statistics and query words for matching, so both sides stem
// exactly as the index does. It is put together from bleve's own filters
// rather than looked up in a mapping's registry, so it cannot fail;
// TestAnalyzerMatchesIndex checks that it gives the same terms as the
// analyzer addAnalysis registers for the index.
var analyzer analysis.Analyzer = &analysis.DefaultAnalyzer{
	Tokenizer: unicodetok.NewUnicodeTokenizer(),
	TokenFilters: []analysis.TokenFilter{
		en.NewPossessiveFilter(),
		lowercase.NewLowerCaseFilter(),
		stop.NewStopTokensFilter(tokenMap(strings.Split(string(en.EnglishStopWords), "\n"))),
		stop.NewStopTokensFilter(tokenMap(slices.Collect(maps.Keys(fillerWords)))),
		porter.NewPorterStemmer(),
	},
}

// tokenMap is a bleve token map of the words on lines ('#' and '|' start
// comments, as in bleve's own lists).
func tokenMap(lines []string) analysis.TokenMap {
	m := analysis.NewTokenMap()
	for _, l := range lines {
		m.LoadLine(l)
	}
	return m
}

// stems returns the analyzed terms of text in order.
func stems(text string) []string {
	ts := analyzer.Analyze([]byte(text))
	out := make([]string, 0, len(ts))
	for _, t := range ts {
		out = append(out, string(t.Term))
	}
	return out
}

var apostrophes = strings.NewReplacer("’", "'", "‘", "'", "`", "'")

// splitWords lower-cases text and splits it into words (letters and digits,
// keeping inner apostrophes), straightening curly apostrophes.
func splitWords(text string) []string {
	text = apostrophes.Replace(strings.ToLower(text))
	var out []string
	emit := func(w string) {
		w = strings.Trim(w, "'")
		w = strings.TrimSuffix(w, "'s")
		if w != "" {
			out = append(out, w)
		}
	}
	start := -1 // where the current word began, or -1 between words
	for i, r := range text {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'' {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			emit(text[start:i])
			start = -1
		}
	}
	if start >= 0 {
		emit(text[start:])
	}
	return out
}

// stemCache memoizes stemWord; it stops growing at stemCacheMax words so
// hostile input cannot grow it without bound.
var (
	stemCache    sync.Map
	stemCacheN   atomic.Int64
	stemCacheMax int64 = 100_000
)

// stemWord analyzes one word; "" when it is a stop word.
func stemWord(w string) string {
	if v, ok := stemCache.Load(w); ok {
		return v.(string)
	}
	st := ""
	if !isStop(w) {
		if s := stems(w); len(s) > 0 {
			st = s[0]
		}
	}
	if stemCacheN.Load() < stemCacheMax {
		if _, loaded := stemCache.LoadOrStore(w, st); !loaded {
			stemCacheN.Add(1)
		}
	}
	return st
}
