package search

import (
	"strings"
	"unicode"

	"faqbot/faq"
)

// Answer types: what kind of answer a question asks for, and whether an
// entry's text gives that kind of answer. "How long does back pain have
// to last to be called chronic?" wants a duration, and of two passages
// that share its words, the one that says "more than three months" is
// the answer. The classes are the coarse and fine classes of question
// classification in the QA literature (Li and Roth, "Learning Question
// Classifiers", COLING 2002: DESC:reason, NUM:period, NUM:count,
// NUM:date, LOC, HUM …), kept to those whose answers can be recognised
// in text by English function words and number patterns, so that they
// hold for any knowledge base. The ranker learns what agreement is
// worth (fTypeMatch, fTypeMiss); nothing here is tuned to a question set.
type answerType uint8

const (
	// atNone: the question asks for no particular kind of answer.
	atNone answerType = iota
	// atPeriod: how long ("how long", "how many weeks"): a duration.
	atPeriod
	// atFrequency: how often: "twice a week", "daily".
	atFrequency
	// atReason: why, what causes: "caused by", "because", "due to".
	atReason
	// atAmount: how much, how many: a number or a measure.
	atAmount
	// atTime: when, at what age: a time, a date, an age, "before"/"after".
	atTime
	// atLocation: where: a place.
	atLocation
	// atPerson: who: a person or a profession.
	atPerson
	numAnswerTypes
)

// answerTypeNames name the types in tests and explanations.
var answerTypeNames = [numAnswerTypes]string{"none", "period", "frequency", "reason", "amount", "time", "location", "person"}

func (t answerType) String() string { return answerTypeNames[t] }

// The words that give an answer of each type away. They are English
// function words, units and a few nouns, not any content's vocabulary.
// They are matched on a text's words (see answerTypesIn), which reads an
// entry once at index time: a regular expression with these alternations
// cost 40% of building a 10,000-passage index.
var (
	unitWords   = wordSet("second seconds minute minutes min mins hour hours hr hrs day days night nights week weeks wk wks month months year years yr yrs")
	numberWords = wordSet("a an one two three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty fifty sixty hundred several few couple many")
	freqWords   = wordSet("daily weekly monthly yearly annually hourly nightly often frequently regularly occasionally rarely")
	onceWords   = wordSet("once twice thrice times")
	perWords    = wordSet("a an per each every")
	reasonWords = wordSet("cause causes caused causing because trigger triggers triggered factor factors reason reasons since")
	reasonPairs = wordSet("due_to result_of results_of resulted_of result_from results_from resulted_from lead_to leads_to leading_to led_to stem_from stems_from contribute_to contributes_to contributed_to contributing_to responsible_for")
	amountWords = wordSet("percent mg ml milligram milligrams gram grams dose doses amount half quarter most majority")
	amountPairs = wordSet("per_cent number_of")
	timeWords   = wordSet("before after during until till within immediately early later age aged ages morning evening night bedtime january february march april june july august september october november december spring summer autumn fall winter when")
	timePairs   = wordSet("right_away years_old year_old as_soon")
	placeWords  = wordSet("where place places location locations area areas country countries city cities region regions clinic clinics hospital hospitals center centers centre centres online home")
	placePreps  = wordSet("in at from near inside outside")
	personWords = wordSet("doctor doctors physician physicians gp gps nurse nurses therapist therapists specialist specialists practitioner practitioners provider providers professional professionals pharmacist pharmacists surgeon surgeons dentist dentists midwife midwives psychologist psychologists psychiatrist psychiatrists counselor counselors counsellor counsellors people person persons anyone someone adult adults children patient patients who")
)

// isNumber reports whether a word is a number, in digits or words.
func isNumber(w string) bool {
	if numberWords[w] {
		return true
	}
	for _, r := range w {
		if r < '0' || r > '9' {
			return false
		}
	}
	return w != ""
}

// questionType gives the kind of answer a question's words (splitWords)
// ask for, from its wh-phrase; atNone for a yes/no or open question.
func questionType(words []string) answerType {
	has := func(i int, ws ...string) bool {
		for k, w := range ws {
			if i+k >= len(words) || words[i+k] != w {
				return false
			}
		}
		return true
	}
	for i, w := range words {
		switch w {
		case "how":
			switch {
			case has(i+1, "long"), has(i+1, "soon"):
				return atPeriod
			case has(i+1, "often"), has(i+1, "frequently"), has(i+1, "many", "times"):
				return atFrequency
			case i+2 < len(words) && has(i+1, "many") && unitWords[words[i+2]]:
				return atPeriod
			case has(i+1, "much"), has(i+1, "many"):
				return atAmount
			case has(i+1, "old"):
				return atTime
			case has(i+1, "come"):
				return atReason
			}
		case "why":
			return atReason
		case "when":
			// "when" opening a question, not "pain when i sit".
			if i == 0 || isFillerStart(words[:i]) {
				return atTime
			}
		case "where":
			if i == 0 || isFillerStart(words[:i]) {
				return atLocation
			}
		case "who", "whom":
			if i == 0 || isFillerStart(words[:i]) {
				return atPerson
			}
		case "cause", "causes", "caused", "causing", "reason", "reasons", "trigger", "triggers", "behind":
			if i > 0 && (words[i-1] == "what" || words[i-1] == "whats" || words[i-1] == "the" || words[i-1] == "main" || words[i-1] == "common") {
				return atReason
			}
		case "until", "till":
			if has(i+1, "when") {
				return atTime
			}
		case "what":
			switch {
			case has(i+1, "age"), has(i+1, "time"):
				return atTime
			case has(i+1, "causes"), has(i+1, "caused"), has(i+1, "makes"), has(i+1, "leads", "to"):
				return atReason
			}
		}
	}
	return atNone
}

// isFillerStart reports whether the words before a wh-word only open the
// sentence ("so when", "and where", "ok who").
func isFillerStart(ws []string) bool {
	if len(ws) > 2 {
		return false
	}
	for _, w := range ws {
		if !fillerWords[w] && !isStop(w) {
			return false
		}
	}
	return true
}

// answerTypesOf gives, for each entry, the set (bit t for type t) of answer
// types its text gives evidence of. The text alone is read, not the title:
// "How long does it last?" as a title answers nothing.
func answerTypesOf(entries []faq.Entry) []uint8 {
	out := make([]uint8, len(entries))
	for i, e := range entries {
		out[i] = answerTypesIn(e.Text)
	}
	return out
}

// answerTypesIn is the set of answer types text gives evidence of.
func answerTypesIn(text string) uint8 {
	raw := strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	ws := make([]string, len(raw))
	for i, w := range raw {
		ws[i] = strings.ToLower(w)
	}
	var set uint8
	add := func(t answerType) { set |= 1 << t }
	pair := func(i int) string {
		if i+1 < len(ws) {
			return ws[i] + "_" + ws[i+1]
		}
		return ""
	}
	for i, w := range ws {
		p := pair(i)
		if isNumber(w) {
			// A duration: "three months", "3-5 days", "two to four weeks".
			j := i + 1
			if j+1 < len(ws) && (ws[j] == "to" || ws[j] == "or") && isNumber(ws[j+1]) {
				j += 2
			} else if j < len(ws) && isNumber(ws[j]) && ws[j] != "a" && ws[j] != "an" {
				j++
			}
			if j < len(ws) && unitWords[ws[j]] {
				add(atPeriod)
			}
		}
		if p == "long_term" || p == "short_term" || p == "for_life" || w == "lifelong" {
			add(atPeriod)
		}
		switch {
		case freqWords[w]:
			add(atFrequency)
		case onceWords[w] && i+2 < len(ws) && perWords[ws[i+1]] && (w != "times" || i > 0):
			add(atFrequency)
		case w == "every" && (i+1 < len(ws) && unitWords[ws[i+1]] || i+2 < len(ws) && unitWords[ws[i+2]]):
			add(atFrequency)
		}
		if reasonWords[w] || reasonPairs[p] {
			add(atReason)
		}
		if amountWords[w] || amountPairs[p] || strings.ContainsAny(w, "0123456789") {
			add(atAmount)
		}
		if timeWords[w] || timePairs[p] || len(w) == 4 && (strings.HasPrefix(w, "19") || strings.HasPrefix(w, "20")) && isNumber(w) {
			add(atTime)
		}
		if placeWords[w] {
			add(atLocation)
		}
		if placePreps[w] && raw[i] == w {
			// "in Wuhan", "at the Mayo Clinic": a capitalised name after a
			// lower-case preposition.
			j := i + 1
			if j < len(ws) && ws[j] == "the" {
				j++
			}
			if j < len(raw) && isCapitalised(raw[j]) {
				add(atLocation)
			}
		}
		if personWords[w] {
			add(atPerson)
		}
	}
	return set
}

// isCapitalised reports whether w is a capital letter and lower-case ones.
func isCapitalised(w string) bool {
	for i, r := range w {
		if i == 0 && !unicode.IsUpper(r) || i > 0 && !unicode.IsLower(r) {
			return false
		}
	}
	return len(w) > 1
}
