package search

import (
	"context"
	"testing"

	"faqbot/faq"
)

// featuresOf returns the features of the candidate titled title for q.
func featuresOf(t *testing.T, s *snapshot, q, title string) Features {
	t.Helper()
	cands, _, err := s.candidates(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cands {
		if s.entries[c.i].Title == title {
			return c.x
		}
	}
	t.Fatalf("%q: no candidate titled %q", q, title)
	return Features{}
}

func featureSnapshot(t *testing.T) *snapshot {
	t.Helper()
	es := []faq.Entry{
		{ID: "a", Type: faq.TypeFAQ, Title: "How long does a migraine last?", Text: "An attack lasts four to seventy-two hours."},
		{ID: "b", Type: faq.TypeFAQ, Title: "What triggers a migraine?", Text: "Stress, poor sleep and some foods trigger attacks."},
		{ID: "c", Type: faq.TypePassage, Title: "Treatment", Text: "Common treatments include:", Source: "m.md"},
		{ID: "d", Type: faq.TypePassage, Title: "Treatment", Text: "Pain relievers taken early help most migraine attacks.", Source: "m.md"},
		{ID: "e", Type: faq.TypeFAQ, Title: "Can I stop an attack?", Text: "Resting in a dark room helps."},
	}
	s, err := buildSnapshot(es, DefaultSynonyms())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.idx.Close() })
	return s
}

// TestFeatures shows, per feature, the behaviour it exists for.
func TestFeatures(t *testing.T) {
	s := featureSnapshot(t)
	for _, c := range []struct {
		name, q, title string
		f              int
		want           func(float64) bool
	}{
		{"coverage: every known concept covered", "how long does a migraine last", "How long does a migraine last?", fCoverage, func(v float64) bool { return v == 1 }},
		{"coverage_all: an unknown word lowers it", "how long does a migraine last in a hamster", "How long does a migraine last?", fCoverageAll, func(v float64) bool { return v < 1 }},
		{"coverage_gap: the best candidate has none", "how long does a migraine last", "How long does a migraine last?", fCoverageGap, func(v float64) bool { return v == 0 }},
		{"coverage_gap: a worse one is behind", "how long does a migraine last", "What triggers a migraine?", fCoverageGap, func(v float64) bool { return v < 0 }},
		{"title_precision: the whole title asked", "what triggers a migraine", "What triggers a migraine?", fTitlePrecision, func(v float64) bool { return v > 0.9 }},
		{"miss_topic: a body part the content lacks", "does a migraine hurt the knee", "How long does a migraine last?", fMissTopic, func(v float64) bool { return v > 0 }},
		{"miss_context: a time word is context, not topic", "how long does a migraine last these days lately", "How long does a migraine last?", fMissContext, func(v float64) bool { return v > 0 }},
		{"miss_context: no topic miss for context words", "how long does a migraine last lately", "How long does a migraine last?", fMissTopic, func(v float64) bool { return v == 0 }},
		{"max_miss: a known word the entry lacks", "what triggers a migraine attack that lasts hours", "What triggers a migraine?", fMaxMiss, func(v float64) bool { return v > 0 }},
		{"qword_same: how / how", "how long is a migraine", "How long does a migraine last?", fQWordSame, func(v float64) bool { return v == 1 }},
		{"qword_other: what / how", "what long migraine", "How long does a migraine last?", fQWordOther, func(v float64) bool { return v == 1 }},
		{"faq: a FAQ entry", "migraine last", "How long does a migraine last?", fFAQ, func(v float64) bool { return v == 1 }},
		{"lead_in: a list's introduction", "common migraine treatments", "Treatment", fLeadIn, func(v float64) bool { return v == 1 }},
		{"wordnet: a WordNet synonym the content uses", "can i halt an attack", "Can I stop an attack?", fWordNet, func(v float64) bool { return v > 0 }},
		{"wordnet: none for the question's own words", "can i stop an attack", "Can I stop an attack?", fWordNet, func(v float64) bool { return v == 0 }},
		{"type_match: how long, and the text gives a duration", "how long does a migraine last", "How long does a migraine last?", fTypeMatch, func(v float64) bool { return v == 1 }},
		{"type_miss: how long, and the text gives none", "how long do pain relievers help a migraine", "Treatment", fTypeMiss, func(v float64) bool { return v == 1 }},
		{"type_match: a reason for a why question", "why do migraines happen, what triggers them", "What triggers a migraine?", fTypeMatch, func(v float64) bool { return v == 1 }},
		{"type: none asked, neither feature", "migraine triggers", "What triggers a migraine?", fTypeMiss, func(v float64) bool { return v == 0 }},
		{"synonym: spelling correction is indirect", "how long does a migrane last", "How long does a migraine last?", fSynonym, func(v float64) bool { return v > 0 }},
	} {
		if v := featuresOf(t, s, c.q, c.title)[c.f]; !c.want(v) {
			t.Errorf("%s: %s(%q, %q) = %.3f", c.name, featureNames[c.f], c.q, c.title, v)
		}
	}
	if !s.firstInSection[2] || s.firstInSection[3] {
		t.Errorf("first_in_section: got %v, want only the first passage of the section", s.firstInSection)
	}
}

// TestTrainLearnsRanking: on synthetic examples whose right candidate has
// the higher coverage, the fitted ranking weight of coverage is positive,
// and the decision is more confident for a wide margin.
func TestTrainLearnsRanking(t *testing.T) {
	var exs []Example
	for i := 0; i < 60; i++ {
		var a, b Features
		a[fCoverage], b[fCoverage] = 0.9, 0.3+float64(i%5)/10
		a[fBM25], b[fBM25] = float64(i%2), float64((i+1)%2) // noise
		right := []bool{true, false}
		if i%6 == 0 { // unanswerable: nothing right
			right = []bool{false, false}
		}
		exs = append(exs, Example{Set: "s" + string(rune('a'+i%3)), Group: string(rune('A' + i%20)), Cands: []Features{a, b}, Right: right, Answerable: i%6 != 0})
	}
	r, rep, err := Train(exs, TrainOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Weights[fCoverage] <= 0 {
		t.Errorf("coverage weight %.3f, want > 0", r.Weights[fCoverage])
	}
	if rep.Top1 < 0.95 {
		t.Errorf("held-out top-1 %.2f, want ≥ 0.95", rep.Top1)
	}
	if r.MinConfidence <= 0 || r.MinConfidence > 1 {
		t.Errorf("MinConfidence %.3f, want in (0,1]", r.MinConfidence)
	}
}

// TestPrefixVariants: a stem the stemmer left longer in the content is a
// form of the question's word only through a word ending ("gentle" →
// "gentler"), not any three letters ("stands" → "standard").
func TestPrefixVariants(t *testing.T) {
	s, err := buildSnapshot([]faq.Entry{{ID: "a", Type: faq.TypeFAQ, Title: "Standard care", Text: "A gentler touch and quickly done."}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.idx.Close()
	has := func(stem, want string) bool {
		for _, a := range s.prefixVariants(stem) {
			if a[0] == want {
				return true
			}
		}
		return false
	}
	if has(stemWord("stands"), stemWord("standard")) {
		t.Errorf("stands: got standard as a form")
	}
	if !has(stemWord("gentle"), stemWord("gentler")) {
		t.Errorf("gentle: gentler not found as a form (variants %v)", s.prefixVariants(stemWord("gentle")))
	}
}

// TestQuestionType: the kind of answer a question asks for, from its
// wh-phrase, and the evidence of each kind in an answer's text.
func TestQuestionType(t *testing.T) {
	for q, want := range map[string]answerType{
		"how long does back pain have to last to be called chronic": atPeriod,
		"how many weeks until it heals":                             atPeriod,
		"how often should i get a massage":                          atFrequency,
		"why does my back hurt":                                     atReason,
		"whats behind lower back pain":                              atReason,
		"what causes migraines":                                     atReason,
		"how much ibuprofen can i take":                             atAmount,
		"when should i see a doctor":                                atTime,
		"so when can i go back to work":                             atTime,
		"where did the virus come from":                             atLocation,
		"who should i see for back pain":                            atPerson,
		"can massage help back pain":                                atNone,
		"my back hurts when i sit":                                  atNone,
		"what is massage therapy":                                   atNone,
	} {
		if got := questionType(splitWords(q)); got != want {
			t.Errorf("questionType(%q) = %v, want %v", q, got, want)
		}
	}
	for text, want := range map[string]answerType{
		"Chronic back pain lasts more than three months.":  atPeriod,
		"Most people benefit from a massage twice a week.": atFrequency,
		"It can be caused by poor posture.":                atReason,
		"Take no more than 400 mg at a time.":              atAmount,
		"See a doctor if it gets worse after a week.":      atPerson,
		"It was first found in Wuhan.":                     atLocation,
		"Rest before bedtime.":                             atTime,
	} {
		if got := answerTypesIn(text); got&(1<<want) == 0 {
			t.Errorf("answerTypesIn(%q) = %08b, want %v among them", text, got, want)
		}
	}
	if got := answerTypesIn("Massage relaxes tight muscles."); got&(1<<atPeriod|1<<atReason|1<<atAmount) != 0 {
		t.Errorf("answerTypesIn: a plain statement gives %08b", got)
	}
}

// TestTitlePrecisionWithAlternates: an entry's title precision is that of
// the wording the question fits best, so an accepted alternate wording
// does not make its own title fit less.
func TestTitlePrecisionWithAlternates(t *testing.T) {
	base := faq.Entry{ID: "a", Type: faq.TypeFAQ, Title: "How can massage therapy help with lower back pain?", Text: "It relaxes tight muscles."}
	other := faq.Entry{ID: "b", Type: faq.TypeFAQ, Title: "Is a hot stone massage safe?", Text: "Usually, yes."}
	with := base
	with.Alternates = []string{"is a rubdown worth it for lumbago"}
	prec := func(es ...faq.Entry) (float64, float64) {
		s, err := buildSnapshot(es, DefaultSynonyms())
		if err != nil {
			t.Fatal(err)
		}
		defer s.idx.Close()
		return featuresOf(t, s, "massage therapy help lower back pain", base.Title)[fTitlePrecision],
			featuresOf(t, s, "is a rubdown worth it for lumbago", base.Title)[fTitlePrecision]
	}
	plain, _ := prec(base, other)
	got, alt := prec(with, other)
	if got != plain {
		t.Errorf("title precision with an alternate %.3f, without %.3f: want the same", got, plain)
	}
	if alt < 0.99 {
		t.Errorf("the alternate's own wording: title precision %.3f, want 1", alt)
	}
}

// TestSoftFeatures shows what the word-vector features exist for: related
// words the question and an entry do not share still tell entries apart.
func TestSoftFeatures(t *testing.T) {
	s := featureSnapshot(t)
	for _, c := range []struct {
		name, q, better, worse string
		f                      int
	}{
		// "causes" is near "triggers"; both titles share only "migraine".
		{"soft_title: a related word in the title", "what causes a migraine headache", "What triggers a migraine?", "How long does a migraine last?", fSoftTitle},
		// "medicines" is near "relievers"; neither body has the word.
		{"soft_body: a related word in the body", "which medicines work on a migraine", "Treatment", "What triggers a migraine?", fSoftBody},
		// Every word of the first title is near a word of the question.
		{"soft_precision: the title is what is asked", "what causes a migraine", "What triggers a migraine?", "How long does a migraine last?", fSoftPrecision},
	} {
		b, w := featuresOf(t, s, c.q, c.better)[c.f], featuresOf(t, s, c.q, c.worse)[c.f]
		t.Logf("%s: %.3f vs %.3f", c.name, b, w)
		if b <= w {
			t.Errorf("%s: %s(%q) = %.3f for %q, not above %.3f for %q", c.name, featureNames[c.f], c.q, b, c.better, w, c.worse)
		}
	}
	// The question's own words count 1: an entry that has them all is fully covered.
	if v := featuresOf(t, s, "how long does a migraine last", "How long does a migraine last?")[fSoftTitle]; v < 0.999 {
		t.Errorf("soft_title of a title with every question word = %.3f, want 1", v)
	}
}
