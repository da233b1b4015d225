package bot

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"unicode"

	"faqbot/internal/logistic"
	"faqbot/internal/wordvec"
)

// The safety model is the triage's second opinion: when no rule fires, a
// logistic model over the message's word vectors (internal/wordvec) and
// word stems gives the probability that the message needs the urgent
// reply, and a second one whether that reply is the crisis one or the
// medical one. The rules stay the first and main judge; the model only
// catches wordings no rule has ("i've got the rope in the garage") by
// their likeness to the messages it was trained on. `faqbot train-safety`
// fits it from the red-team sets' dev halves, the training corpus
// (testdata/safety-train) and ordinary questions
// (cmd/faqbot/trainsafety.go); bot/data/safety_model.json records how, and
// its threshold, chosen on held-out folds for a stated false-alarm rate on
// ordinary messages.
//
//go:embed data/safety_model.json
var defaultSafetyModel []byte

// SafetyFeatureVersion names the features a model file's weights are for.
const SafetyFeatureVersion = "glove100-sif-mean-max-stems-v2"

// SafetyModel is the model file's content.
type SafetyModel struct {
	// Features is SafetyFeatureVersion.
	Features string `json:"features"`
	// Stems is the model's vocabulary: Porter stems of words, each a
	// feature that is 1 when the message has the word (see SafetyRow).
	Stems []string `json:"stems"`
	// Urgent weighs a message's SafetyRow for P(urgent); Crisis for P(the
	// crisis reply rather than the medical one | urgent). The last weight
	// is the bias.
	Urgent []float64 `json:"urgent"`
	Crisis []float64 `json:"crisis"`
	// Threshold is the P(urgent) at or above which a message no rule
	// fires on gets the urgent reply.
	Threshold float64 `json:"threshold"`
	// Origin says how the model was made: command, data, date.
	Origin string `json:"origin"`
	// CV holds the trainer's held-out-fold figures, for the record.
	CV json.RawMessage `json:"cv,omitempty"`
	// vocab numbers Stems.
	vocab map[string]int32
}

// numVectorFeatures is the number of word-vector features: the
// SIF-weighted mean and the elementwise maximum of the words' vectors.
const numVectorFeatures = 2 * wordvec.Dim

// SafetyWeights is the number of weights of a model over vocabulary
// size stems: the vector features, the stems, the bias.
func SafetyWeights(stems int) int { return numVectorFeatures + stems + 1 }

// ParseSafetyModel reads a model file written by `faqbot train-safety`.
func ParseSafetyModel(data []byte) (*SafetyModel, error) {
	var m SafetyModel
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("bot: safety model: %w", err)
	}
	if m.Features != SafetyFeatureVersion {
		return nil, fmt.Errorf("bot: safety model: features %q, want %q (retrain with faqbot train-safety)", m.Features, SafetyFeatureVersion)
	}
	if n := SafetyWeights(len(m.Stems)); len(m.Urgent) != n || len(m.Crisis) != n {
		return nil, fmt.Errorf("bot: safety model: %d and %d weights, want %d", len(m.Urgent), len(m.Crisis), n)
	}
	for _, w := range append(append([]float64{m.Threshold}, m.Urgent...), m.Crisis...) {
		if math.IsNaN(w) || math.IsInf(w, 0) {
			return nil, errors.New("bot: safety model: a non-finite number")
		}
	}
	if m.Threshold <= 0 || m.Threshold > 1 {
		return nil, fmt.Errorf("bot: safety model: threshold %v, want (0, 1]", m.Threshold)
	}
	m.vocab = make(map[string]int32, len(m.Stems))
	for i, st := range m.Stems {
		if _, dup := m.vocab[st]; dup {
			return nil, fmt.Errorf("bot: safety model: stem %q twice", st)
		}
		m.vocab[st] = int32(i)
	}
	return &m, nil
}

var defaultModel = sync.OnceValues(func() (*SafetyModel, error) { return ParseSafetyModel(defaultSafetyModel) })

// SafetyFeatures are a message's word-vector features: the SIF-weighted
// mean of its words' vectors (as a unit vector) and their elementwise
// maximum, then a constant 1. Words are the message's runs of letters,
// lower-cased, with apostrophes dropped ("can't" is "cant"). All zero but
// the 1 when no word has a vector.
func SafetyFeatures(text string) ([]float64, error) { return vectorFeatures(messageWords(text)) }

// vectorFeatures are SafetyFeatures of a message's words.
func vectorFeatures(words []string) ([]float64, error) {
	v, err := wordvec.Load()
	if err != nil {
		return nil, err
	}
	x := make([]float64, numVectorFeatures+1)
	mean, mx := x[:wordvec.Dim], x[wordvec.Dim:numVectorFeatures]
	seen := false
	for _, w := range words {
		r := v.Row(w)
		if r < 0 {
			continue
		}
		sw := float64(wordvec.SIF(r))
		for k, c := range v.Vec(r) {
			f := float64(c) / 127
			mean[k] += sw * f
			if !seen || f > mx[k] {
				mx[k] = f
			}
		}
		seen = true
	}
	var n float64
	for _, f := range mean {
		n += f * f
	}
	if n > 0 {
		n = math.Sqrt(n)
		for k := range mean {
			mean[k] /= n
		}
	}
	x[numVectorFeatures] = 1
	return x, nil
}

// SafetyStems are the distinct Porter stems of a message's words (as
// SafetyFeatures splits them), in the order they first appear.
func SafetyStems(text string) []string { return distinctStems(messageWords(text)) }

// distinctStems are the distinct stems of words, in order.
func distinctStems(words []string) []string {
	var out []string
	for _, w := range words {
		if st := stemOf(w); !slices.Contains(out, st) {
			out = append(out, st)
		}
	}
	return out
}

// SafetyRow is a message's feature row for a vocabulary that numbers its
// stems from 0 to len(vocab)-1: the word-vector features, a 1 for each
// vocabulary stem the message has, and the bias, last.
func SafetyRow(text string, vocab map[string]int32) (logistic.Sparse, error) {
	words := messageWords(text)
	x, err := vectorFeatures(words)
	if err != nil {
		return logistic.Sparse{}, err
	}
	cols := stemColumns(words, vocab)
	row := logistic.Sparse{Idx: make([]int32, 0, numVectorFeatures+len(cols)+1), Val: make([]float64, 0, numVectorFeatures+len(cols)+1)}
	for k, f := range x[:numVectorFeatures] {
		if f != 0 {
			row.Idx, row.Val = append(row.Idx, int32(k)), append(row.Val, f)
		}
	}
	for _, i := range cols {
		row.Idx, row.Val = append(row.Idx, i), append(row.Val, 1)
	}
	row.Idx, row.Val = append(row.Idx, int32(numVectorFeatures+len(vocab))), append(row.Val, 1)
	return row, nil
}

// stemColumns are the columns, in order, of the vocabulary stems among
// words (each once).
func stemColumns(words []string, vocab map[string]int32) []int32 {
	var cols []int32
	for _, st := range distinctStems(words) {
		if i, ok := vocab[st]; ok {
			cols = append(cols, numVectorFeatures+i)
		}
	}
	slices.Sort(cols)
	return cols
}

// messageWords splits text into lower-case words of letters, dropping
// apostrophes.
func messageWords(text string) []string {
	text = strings.NewReplacer("'", "", "’", "").Replace(strings.ToLower(text))
	return strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) })
}

// Probabilities gives P(urgent) and P(crisis reply | urgent) for text.
func (m *SafetyModel) Probabilities(text string) (urgent, crisis float64, err error) {
	// SafetyRow's dot products, without building the row.
	words := messageWords(text)
	x, err := vectorFeatures(words)
	if err != nil {
		return 0, 0, err
	}
	bias := len(m.Urgent) - 1
	zu, zc := m.Urgent[bias], m.Crisis[bias]
	for k, f := range x[:numVectorFeatures] {
		zu += m.Urgent[k] * f
		zc += m.Crisis[k] * f
	}
	for _, i := range stemColumns(words, m.vocab) {
		zu += m.Urgent[i]
		zc += m.Crisis[i]
	}
	return logistic.Sigmoid(zu), logistic.Sigmoid(zc), nil
}

// The model's alert: the rule ID and what the reply names.
const (
	modelRuleID         = "safety-model"
	modelCrisisMention  = "something that sounds like you may be going through a very hard time"
	modelMedicalMention = "something that worries me"
)

// modelAlert is the model's verdict on a message no rule fired on.
func (t *Triage) modelAlert(text string) (Alert, bool) {
	if t.model == nil {
		return Alert{}, false
	}
	u, c, err := t.model.Probabilities(text)
	if err != nil || u < t.model.Threshold {
		return Alert{}, false
	}
	tier, mention := TierEmergency, modelMedicalMention
	if c >= 0.5 {
		tier, mention = TierCrisis, modelCrisisMention
	}
	reply := strings.ReplaceAll(t.replies[tier], "{mention}", mention)
	return Alert{RuleID: modelRuleID, Title: mention, Kind: kindOf(tier), Tier: tier, Reply: reply}, true
}
