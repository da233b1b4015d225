package search

import (
	"regexp"
	"strings"

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

// unitWords are the units of a duration.
const unitWords = `(?:seconds?|minutes?|mins?|hours?|hrs?|days?|nights?|weeks?|wks?|months?|years?|yrs?)`

// numberWords are numbers as people write them.
const numberWords = `(?:\d+(?:[.,]\d+)?|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|sixty|hundred|several|few|couple|many)`

// typeEvidence recognises, in an entry's text, an answer of each type.
var typeEvidence = [numAnswerTypes]*regexp.Regexp{
	atPeriod: regexp.MustCompile(`\b` + numberWords + `(?:\s*(?:-|to|or)\s*` + numberWords + `)?\s*(?:-\s*)?` + unitWords + `\b|\b(?:long|short)[- ]term\b|\blifelong\b|\bfor life\b`),
	atFrequency: regexp.MustCompile(`\b(?:once|twice|thrice|\w+ times)\s+(?:a|an|per|each|every)\s+\w+|\b(?:daily|weekly|monthly|yearly|annually|hourly|nightly)\b|\bevery\s+(?:\w+\s+)?` +
		unitWords + `\b|\b(?:often|frequently|regularly|occasionally|rarely)\b`),
	atReason:   regexp.MustCompile(`\b(?:caus(?:e|es|ed|ing)|because|due to|result(?:s|ed)? (?:of|from)|lead(?:s|ing)? to|led to|trigger(?:s|ed)?|factors?|reasons?|stems? from|contribut(?:e|es|ed|ing) to|responsible for|risk factors?|since)\b`),
	atAmount:   regexp.MustCompile(`\d|\b(?:percent|per cent|mg|ml|milligrams?|grams?|doses?|amount|half|quarter|most|majority|number of)\b`),
	atTime:     regexp.MustCompile(`\b(?:before|after|during|until|till|within|as soon as|immediately|right away|early|later|age(?:d|s)?|years? old|morning|evening|night|bedtime|(?:19|20)\d\d|january|february|march|april|june|july|august|september|october|november|december|spring|summer|autumn|fall|winter|when)\b`),
	atLocation: regexp.MustCompile(`\b(?:in|at|from|near|inside|outside)\s+(?:the\s+)?[A-Z][a-z]+|(?i:\b(?:where|places?|locations?|areas?|countr(?:y|ies)|cit(?:y|ies)|regions?|clinics?|hospitals?|centers?|centres?|online|home)\b)`),
	atPerson:   regexp.MustCompile(`\b(?:doctors?|physicians?|gps?|nurses?|therapists?|specialists?|practitioners?|providers?|professionals?|pharmacists?|surgeons?|dentists?|midwi(?:fe|ves)|psychologists?|psychiatrists?|counsell?ors?|people|persons?|anyone|someone|adults?|children|patients?|who)\b`),
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
			case i+2 < len(words) && has(i+1, "many") && typeEvidence[atPeriod].MatchString("1 "+words[i+2]):
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
	var set uint8
	lower := strings.ToLower(text)
	for t := atPeriod; t < numAnswerTypes; t++ {
		s := lower
		if t == atLocation {
			s = text // capitalised place names
		}
		if typeEvidence[t].MatchString(s) {
			set |= 1 << t
		}
	}
	return set
}
