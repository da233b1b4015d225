package bot

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"unicode"

	"faqbot/internal/logistic"
	"faqbot/internal/wordvec"
)

// The safety model is the triage's second opinion: when no rule fires, a
// logistic model over the message's word vectors (internal/wordvec) gives
// the probability that the message needs the urgent reply, and a second
// one whether that reply is the crisis one or the medical one. The rules
// stay the first and main judge; the model only catches wordings no rule
// has ("i've got the rope in the garage", "he collapsed clutching his
// chest") by their likeness to the red-team messages it was trained on.
// `faqbot train-safety` fits it from the red-team sets' dev halves and
// ordinary questions (cmd/faqbot/trainsafety.go); bot/data/safety_model.json
// records how, and its threshold, chosen on held-out folds for a stated
// false-alarm rate on ordinary messages.
//
//go:embed data/safety_model.json
var defaultSafetyModel []byte

// SafetyFeatureVersion names the features a model file's weights are for.
const SafetyFeatureVersion = "glove100-sif-mean-max-v1"

// SafetyModel is the model file's content.
type SafetyModel struct {
	// Features is SafetyFeatureVersion.
	Features string `json:"features"`
	// Urgent weighs SafetyFeatures for P(urgent); Crisis for P(the crisis
	// reply rather than the medical one | urgent). The last weight is the
	// bias.
	Urgent []float64 `json:"urgent"`
	Crisis []float64 `json:"crisis"`
	// Threshold is the P(urgent) at or above which a message no rule
	// fires on gets the urgent reply.
	Threshold float64 `json:"threshold"`
	// Origin says how the model was made: command, data, date.
	Origin string `json:"origin"`
	// CV holds the trainer's held-out-fold figures, for the record.
	CV json.RawMessage `json:"cv,omitempty"`
}

// numSafetyFeatures is the length of SafetyFeatures: the SIF-weighted mean
// and the elementwise maximum of the words' vectors, and the bias.
const numSafetyFeatures = 2*wordvec.Dim + 1

// ParseSafetyModel reads a model file written by `faqbot train-safety`.
func ParseSafetyModel(data []byte) (*SafetyModel, error) {
	var m SafetyModel
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("bot: safety model: %w", err)
	}
	if m.Features != SafetyFeatureVersion {
		return nil, fmt.Errorf("bot: safety model: features %q, want %q (retrain with faqbot train-safety)", m.Features, SafetyFeatureVersion)
	}
	if len(m.Urgent) != numSafetyFeatures || len(m.Crisis) != numSafetyFeatures {
		return nil, fmt.Errorf("bot: safety model: %d and %d weights, want %d", len(m.Urgent), len(m.Crisis), numSafetyFeatures)
	}
	for _, w := range append(append([]float64{m.Threshold}, m.Urgent...), m.Crisis...) {
		if math.IsNaN(w) || math.IsInf(w, 0) {
			return nil, errors.New("bot: safety model: a non-finite number")
		}
	}
	if m.Threshold <= 0 || m.Threshold > 1 {
		return nil, fmt.Errorf("bot: safety model: threshold %v, want (0, 1]", m.Threshold)
	}
	return &m, nil
}

var defaultModel = sync.OnceValues(func() (*SafetyModel, error) { return ParseSafetyModel(defaultSafetyModel) })

// SafetyFeatures are a message's features: the SIF-weighted mean of its
// words' vectors (as a unit vector) and their elementwise maximum, then a
// constant 1. Words are the message's runs of letters, lower-cased, with
// apostrophes dropped ("can't" is "cant"). All zero but the 1 when no word
// has a vector.
func SafetyFeatures(text string) ([]float64, error) {
	v, err := wordvec.Load()
	if err != nil {
		return nil, err
	}
	x := make([]float64, numSafetyFeatures)
	mean, mx := x[:wordvec.Dim], x[wordvec.Dim:2*wordvec.Dim]
	seen := false
	for _, w := range messageWords(text) {
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
	x[2*wordvec.Dim] = 1
	return x, nil
}

// messageWords splits text into lower-case words of letters, dropping
// apostrophes.
func messageWords(text string) []string {
	text = strings.NewReplacer("'", "", "’", "").Replace(strings.ToLower(text))
	return strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) })
}

// Probabilities gives P(urgent) and P(crisis reply | urgent) for text.
func (m *SafetyModel) Probabilities(text string) (urgent, crisis float64, err error) {
	x, err := SafetyFeatures(text)
	if err != nil {
		return 0, 0, err
	}
	return logistic.Predict(m.Urgent, x), logistic.Predict(m.Crisis, x), nil
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
