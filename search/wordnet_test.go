package search

import (
	"runtime"
	"slices"
	"testing"
	"time"
)

// TestWordNetTopicWords shows which everyday words of health questions
// isTopicWord takes as topic words, by their WordNet senses.
func TestWordNetTopicWords(t *testing.T) {
	cases := []struct {
		word  string
		topic bool
		why   string
	}{
		{"knee", true, "noun.body"},
		{"shoulder", true, "noun.body"},
		{"ibuprofen", true, "noun.artifact (WordNet files drugs there)"},
		{"aspirin", true, "noun.artifact"},
		{"pillow", true, "noun.artifact"},
		{"mattress", true, "noun.artifact"},
		{"insomnia", true, "noun.state"},
		{"diabetes", true, "noun.state"},
		{"fever", true, "noun.state"},
		{"vaccine", true, "noun.artifact"},
		{"pills", true, "pill: noun.artifact, through the rules"},
		{"Knee", true, "lowercased"},
		// WordNet's dominant sense of office is the building or room
		// (noun.artifact), so it is a topic word; tennis is noun.act.
		{"office", true, "noun.artifact"},
		{"tennis", false, "noun.act"},
		{"lately", false, "adverb"},
		{"honestly", false, "adverb"},
		{"weeks", false, "week: noun.time"},
		{"ages", false, "noun.attribute, noun.time"},
		{"tell", false, "verb"},
		{"killing", false, "noun.event"},
		{"worse", false, "adjective"},
		{"help", false, "mostly a verb"},
		{"called", false, "call: mostly a verb"},
		{"doctor", false, "noun.person"},
		{"sleep", false, "mostly a verb"},
		{"covid", false, "not in WordNet 3.0"},
		{"", false, "empty"},
	}
	for _, c := range cases {
		if got := isTopicWord(c.word); got != c.topic {
			t.Errorf("isTopicWord(%q) = %v, want %v (%s); classes %v, noun share %.2f",
				c.word, got, c.topic, c.why, wordClasses(c.word), nounShare(c.word))
		}
	}
}

func TestWordNetBase(t *testing.T) {
	if got := wordBase("feet"); !slices.Equal(got, []string{"foot"}) {
		t.Errorf(`wordBase("feet") = %q, want ["foot"]`, got)
	}
	for _, c := range []struct{ word, base string }{
		{"worse", "bad"}, {"lying", "lie"}, {"slept", "sleep"}, {"Slept", "sleep"},
		{"pills", "pill"}, {"called", "call"}, {"sitting", "sit"}, {"boxes", "box"},
		{"women", "woman"}, {"allergies", "allergy"}, {"larger", "large"},
		{"handsful", "handful"},
	} {
		if got := wordBase(c.word); !slices.Contains(got, c.base) {
			t.Errorf("wordBase(%q) = %q, want it to contain %q", c.word, got, c.base)
		}
	}
	for _, w := range []string{"knee", "glass", "is", "covid", ""} {
		if got := wordBase(w); slices.Contains(got, w) || (w == "glass" && len(got) > 0) {
			t.Errorf("wordBase(%q) = %q", w, got)
		}
	}
}

func TestWordNetClasses(t *testing.T) {
	if got := wordClasses("knee"); len(got) == 0 || got[0].String() != "noun.body" {
		t.Errorf(`wordClasses("knee") = %v, want noun.body first`, got)
	}
	if got := wordClasses("run"); len(got) < 40 || got[0].String() != "verb.motion" || !slices.Contains(got, lexNounAct) {
		t.Errorf(`wordClasses("run") = %v, want verb.motion first and noun.act among its senses`, got)
	}
	// Not a lemma: the senses of its base, foot.
	if got := wordClasses("feet"); len(got) == 0 || got[0] != lexNounBody {
		t.Errorf(`wordClasses("feet") = %v, want noun.body first`, got)
	}
	if got := wordClasses("covid"); got != nil {
		t.Errorf(`wordClasses("covid") = %v, want nil`, got)
	}
	for c := range lexClass(len(lexNames)) {
		if s := c.String(); s == "" || s[:4] != [...]string{"noun", "verb", "adj.", "adv."}[c.pos()] {
			t.Errorf("class %d %q: part of speech %d", c, s, c.pos())
		}
	}
}

func TestWordNetNounShare(t *testing.T) {
	for _, c := range []struct {
		word     string
		min, max float64
	}{
		{"knee", 1, 1}, {"insomnia", 1, 1}, {"lately", 0, 0}, {"covid", 0, 0},
		{"sleep", 0.1, 0.5}, {"help", 0, 0.3}, {"work", 0.3, 0.6},
		{"massage", 0.3, 0.4}, // untagged senses: 1 noun of 3 senses
	} {
		if got := nounShare(c.word); got < c.min || got > c.max {
			t.Errorf("nounShare(%q) = %.2f, want %.2f..%.2f", c.word, got, c.min, c.max)
		}
	}
}

func TestWordNetDerivedForms(t *testing.T) {
	if got := derivedForms("sleepy"); !slices.Contains(got, "sleep") {
		t.Errorf(`derivedForms("sleepy") = %q, want it to contain "sleep"`, got)
	}
	if got := derivedForms("covid"); got != nil {
		t.Errorf(`derivedForms("covid") = %q, want nil`, got)
	}
}

// TestWordNetParseCost parses the embedded data afresh and reports the
// time it takes and the heap the result keeps.
func TestWordNetParseCost(t *testing.T) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	wn, err := parseWordNet(wordnetGz)
	took := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	heap := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("parse %v, heap kept %.1f MB: %d words, %d senses, %d refs, %d bytes of text",
		took, float64(heap)/(1<<20), len(wn.entries), len(wn.senses), len(wn.refs), len(wn.text))
	if heap > 15<<20 {
		t.Errorf("parsed WordNet data keeps %.1f MB of heap, want < 15 MB", float64(heap)/(1<<20))
	}
	if !wn.isLemma("knee", wnNoun) || wn.isLemma("knee", wnAdv) {
		t.Error("knee: wrong parts of speech")
	}
	runtime.KeepAlive(wn)
}

func BenchmarkWordNetParse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parseWordNet(wordnetGz); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWordNetIsTopicWord(b *testing.B) {
	words := []string{"knee", "lately", "pills", "called", "covid", "weeks"}
	loadWordNet()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		isTopicWord(words[i%len(words)])
	}
}

// TestWordSynonyms: synonyms come from senses common to both words, and
// inflected forms find their lemma's.
func TestWordSynonyms(t *testing.T) {
	has := func(list []string, w string) bool { return slices.Contains(list, w) }
	if s := wordSynonyms("doctor"); !has(s, "physician") {
		t.Errorf("doctor: %v, want physician", s)
	}
	if s := wordSynonyms("originated"); !has(s, "arise") {
		t.Errorf("originated: %v, want arise (through originate)", s)
	}
	// "back" is mostly the body part: not the verb's "endorse".
	if s := wordSynonyms("back"); has(s, "endorse") || !has(s, "dorsum") {
		t.Errorf("back: %v, want dorsum and not endorse", s)
	}
	if s := wordSynonyms("qwxzy"); s != nil {
		t.Errorf("unknown word: %v", s)
	}
}

// The embedded data parses; and the empty WordNet that stands in should it
// not (see loadWordNet) knows no word and never fails.
func TestWordNetData(t *testing.T) {
	if err := wordNetErr(); err != nil {
		t.Fatal(err)
	}
	var wn wordNet
	for _, w := range []string{"back", "knees", "ran", "", "zzz"} {
		if s := wn.wordSenses(w); len(s) != 0 {
			t.Errorf("empty WordNet: wordSenses(%q) = %v", w, s)
		}
		if b := wn.bases(w); len(b) > 1 || (len(b) == 1 && b[0] != w) {
			t.Errorf("empty WordNet: bases(%q) = %v", w, b)
		}
		if s := wn.lemmaSynonyms(w); len(s) != 0 {
			t.Errorf("empty WordNet: lemmaSynonyms(%q) = %v", w, s)
		}
		for p := range 4 {
			if wn.isLemma(w, p) {
				t.Errorf("empty WordNet: isLemma(%q, %d)", w, p)
			}
		}
	}
}
