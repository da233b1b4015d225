package bot

import "strings"

type talk int

const (
	talkNone talk = iota
	talkGreeting
	talkThanks
	talkHelp
)

var (
	greetWords  = setOf("hi hello hey hiya howdy yo greetings good morning afternoon evening day there bot all everyone sup hallo hola")
	thanksWords = setOf("thanks thank you thx ty cheers great awesome cool ok okay nice perfect very much so lot brilliant helpful that's that was it")
	helpPhrases = setOf("help|/help|/start|start|menu|what can you do|what do you do|how does this work|what can i ask|who are you|what are you|commands|options")
)

func setOf(s string) map[string]bool {
	m := map[string]bool{}
	sep := " "
	if strings.Contains(s, "|") {
		sep = "|"
	}
	for _, w := range strings.Split(s, sep) {
		m[w] = true
	}
	return m
}

// smallTalk recognises a message that is only a greeting, thanks or a
// request for help, so it is not searched as a question.
func smallTalk(text string) talk {
	t := strings.ToLower(strings.Trim(text, " !.?,:;"))
	t = strings.ReplaceAll(t, "’", "'")
	if helpPhrases[t] {
		return talkHelp
	}
	words := strings.FieldsFunc(t, func(r rune) bool { return r == ' ' || r == ',' || r == '!' || r == '.' })
	if len(words) == 0 || len(words) > 6 {
		return talkNone
	}
	if all(words, greetWords) {
		return talkGreeting
	}
	if all(words, thanksWords) && (contains(words, "thanks") || contains(words, "thank") || contains(words, "thx") || contains(words, "ty") || contains(words, "cheers")) {
		return talkThanks
	}
	return talkNone
}

func all(ws []string, set map[string]bool) bool {
	for _, w := range ws {
		if !set[w] {
			return false
		}
	}
	return true
}

func contains(ws []string, w string) bool {
	for _, x := range ws {
		if x == w {
			return true
		}
	}
	return false
}
