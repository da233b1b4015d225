package search

import (
	_ "embed"
	"encoding/json"
	"errors"
	"faqbot/internal/logistic"
	"fmt"
	"math"
	"os"
	"slices"
)

//go:embed data/ranker.json
var defaultRankerJSON []byte

// Ranker is the learned scorer, in two stages, both written by
// `faqbot train` from labelled question sets (see Origin), never by hand:
//
//   - Ranking: a candidate's score is z = Σ Weights·features, fitted by
//     softmax (conditional logistic) regression so that a right entry
//     scores highest among the candidates of its question.
//   - Decision: the probability that the best candidate answers the
//     question, P = σ(Σ Decision·inputs + bias), a logistic regression over
//     the best candidate's features, its softmax share and its margin over
//     the runner-up, fitted on held-out cross-validation folds so that it
//     is calibrated on questions the ranking was not trained on.
type Ranker struct {
	// Features names the features the ranking weights belong to; it must
	// equal FeatureNames().
	Features []string  `json:"features"`
	Weights  []float64 `json:"weights"`
	// DecisionInputs names the decision model's inputs; Decision holds
	// their weights and, last, the bias.
	DecisionInputs []string  `json:"decision_inputs"`
	Decision       []float64 `json:"decision"`
	// MinConfidence is the answer threshold the trainer recommends: the
	// lowest probability at which the answers given on held-out folds were
	// at least TargetPrecision right.
	MinConfidence   float64 `json:"min_confidence"`
	TargetPrecision float64 `json:"target_precision"`
	// Origin says how the weights were made: command, data sets, date.
	Origin string `json:"origin"`
	// CV holds the trainer's held-out-fold figures, for the record.
	CV json.RawMessage `json:"cv,omitempty"`
}

// The decision model's inputs beyond the best candidate's features.
const (
	// dShare is the best candidate's softmax share among the candidates.
	dShare = int(numFeatures) + iota
	// dMargin is its score's lead over the runner-up, capped at 5, over 5
	// (1 when it is the only candidate).
	dMargin
	// dBias is the constant input for the bias.
	dBias
	numDecision
)

// decisionNames name the decision inputs: the features, then share and margin.
var decisionNames = append(slices.Clone(featureNames[:]), "share", "margin")

// decisionRow is the decision model's input for the best candidate (index
// bi, features x) among candidates scored zs.
func decisionRow(x Features, zs []float64, bi int) []float64 {
	row := make([]float64, numDecision)
	copy(row, x[:])
	sum, second := 0.0, math.Inf(-1)
	for k, z := range zs {
		sum += math.Exp(z - zs[bi])
		if k != bi && z > second {
			second = z
		}
	}
	row[dShare] = 1 / sum
	row[dMargin] = 1
	if !math.IsInf(second, -1) {
		row[dMargin] = math.Min(zs[bi]-second, 5) / 5
	}
	row[dBias] = 1
	return row
}

// Score is the ranking score of one candidate's features.
func (r *Ranker) Score(x Features) float64 { return dot(r.Weights, 0, x) }

// Confidence is the probability that the best candidate (index bi, with
// features x, among candidates scored zs) answers the question.
func (r *Ranker) Confidence(x Features, zs []float64, bi int) float64 {
	return logistic.Predict(r.Decision, decisionRow(x, zs, bi))
}

// check reports a ranker whose features are not this build's.
func (r *Ranker) check() error {
	if !slices.Equal(r.Features, featureNames[:]) {
		return fmt.Errorf("search: ranker features %v do not match this build's %v (retrain with faqbot train)", r.Features, featureNames)
	}
	if len(r.Weights) != int(numFeatures) {
		return fmt.Errorf("search: ranker has %d weights for %d features", len(r.Weights), numFeatures)
	}
	if !slices.Equal(r.DecisionInputs, decisionNames) || len(r.Decision) != numDecision {
		return errors.New("search: ranker decision inputs do not match this build's (retrain with faqbot train)")
	}
	for _, w := range append(append([]float64{r.MinConfidence}, r.Weights...), r.Decision...) {
		if math.IsNaN(w) || math.IsInf(w, 0) {
			return errors.New("search: ranker has a non-finite number")
		}
	}
	return nil
}

// ParseRanker reads a weights file written by `faqbot train`.
func ParseRanker(data []byte) (*Ranker, error) {
	var r Ranker
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("search: ranker: %w", err)
	}
	if err := r.check(); err != nil {
		return nil, err
	}
	return &r, nil
}

// LoadRanker reads a weights file; "" gives the bundled ranker.
func LoadRanker(path string) (*Ranker, error) {
	if path == "" {
		return DefaultRanker(), nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("search: ranker: %w", err)
	}
	r, err := ParseRanker(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return r, nil
}

// bundledRanker is the ranker of search/data/ranker.json. When that file
// does not match this build's features (a feature was added and the
// weights not yet retrained), bundledErr says so — a test fails on it —
// and an untrained ranker stands in, so that `faqbot train` can run.
var bundledRanker, bundledErr = func() (*Ranker, error) {
	r, err := ParseRanker(defaultRankerJSON)
	if err != nil {
		return untrainedRanker(), fmt.Errorf("search: bundled ranker: %w", err)
	}
	return r, nil
}()

// untrainedRanker ranks by coverage alone and answers above even odds.
func untrainedRanker() *Ranker {
	r := &Ranker{Features: slices.Clone(featureNames[:]), Weights: make([]float64, numFeatures),
		DecisionInputs: slices.Clone(decisionNames), Decision: make([]float64, numDecision),
		MinConfidence: 0.5, Origin: "untrained: coverage only"}
	r.Weights[fCoverage] = 10
	r.Decision[fCoverage], r.Decision[dBias] = 6, -3
	return r
}

// DefaultRanker returns the bundled ranker (search/data/ranker.json).
func DefaultRanker() *Ranker { return bundledRanker }

// BundledRankerError reports why the bundled weights could not be used
// (nil when they are in use).
func BundledRankerError() error { return bundledErr }
