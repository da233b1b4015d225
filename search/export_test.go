package search

import "errors"

// CheckChatData parses the built-in chat spellings, for the tests.
func CheckChatData() error {
	_, err := parseChat("data/chat.txt", chatData)
	return err
}

// ParseChat is parseChat, for the tests.
var ParseChat = parseChat

// AnalyzerTerms analyzes text with the standalone analyzer and with the
// one addAnalysis registers for the index, for the tests.
func AnalyzerTerms(text string) (standalone, index []string, err error) {
	im, err := newMapping()
	if err != nil {
		return nil, nil, err
	}
	a := im.AnalyzerNamed(analyzerName)
	if a == nil {
		return nil, nil, errors.New("analyzer not registered")
	}
	for _, t := range analyzer.Analyze([]byte(text)) {
		standalone = append(standalone, string(t.Term))
	}
	for _, t := range a.Analyze([]byte(text)) {
		index = append(index, string(t.Term))
	}
	return standalone, index, nil
}

// SetPruning turns directHits' pruning on or off for the searches that
// follow (not while searches run), for the paired benchmark.
func SetPruning(on bool) { pruningOff = !on }

// CollectHarder is collectHarder, for the tests.
var CollectHarder = collectHarder

// GCPercent is gcPercent, for the tests.
var GCPercent = gcPercent

// SetTestHookBuild sets the hook a reindex runs before it builds.
func SetTestHookBuild(f func()) { testHookBuild = f }
