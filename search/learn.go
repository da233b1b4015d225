package search

import (
	"encoding/json"
	"errors"
	"faqbot/internal/logistic"
	"fmt"
	"hash/fnv"
	"math"
	"slices"
	"sort"
)

// Example is one labelled question for training: the features of its
// candidates (as Index.Candidates returns them) and which of them answer it.
type Example struct {
	// Set names the labelled set the question came from.
	Set string
	// Group keeps questions that ask the same thing in one fold (an entry
	// or class ID); cross-validation never trains on a question's group.
	Group string
	// Cands are the candidates' features; Right[k] says candidate k answers.
	Cands []Features
	Right []bool
	// Answerable says the content answers the question, even when none of
	// the candidates is right (the right entry was not retrieved).
	Answerable bool
	// Weight is the question's weight in the fit (0 counts as 1).
	Weight float64
}

// TrainOptions tune the fit. Zero values take the defaults in brackets.
type TrainOptions struct {
	// Folds for grouped cross-validation [5].
	Folds int
	// L2 is the ridge penalty on the weights (not the bias) [1].
	L2 float64
	// TargetPrecision, when set, is the share of given answers that must
	// be right on held-out folds at the recommended MinConfidence; 0 [the
	// default] chooses the threshold for the best balanced accuracy.
	TargetPrecision float64
}

// CurvePoint is one threshold of the precision/coverage curve.
type CurvePoint struct {
	Threshold float64 `json:"threshold"`
	// Answered is the share of all questions answered at this threshold;
	// Precision the share of those answers that were right.
	Answered  float64 `json:"answered"`
	Precision float64 `json:"precision"`
	// Recall is the share of answerable questions answered right;
	// Declined the share of unanswerable ones not answered.
	Recall   float64 `json:"recall"`
	Declined float64 `json:"declined"`
	// answerable and unanswerable say which kinds of question there were.
	answerable, unanswerable bool
}

// balanced is the mean of recall and declined, over the kinds of question
// the point has (a set of unanswerable questions only is judged on
// declining them).
func (c CurvePoint) balanced() float64 {
	switch {
	case c.answerable && c.unanswerable:
		return (c.Recall + c.Declined) / 2
	case c.answerable:
		return c.Recall
	default:
		return c.Declined
	}
}

// SetFigures are held-out-fold figures for one labelled set at the
// recommended threshold.
type SetFigures struct {
	Questions  int     `json:"questions"`
	Answerable int     `json:"answerable"`
	Top1       float64 `json:"top1"`
	Recall     float64 `json:"recall"`
	Declined   float64 `json:"declined"`
}

// TrainReport holds the cross-validated (held-out-fold) figures.
type TrainReport struct {
	Examples int `json:"examples"`
	Folds    int `json:"folds"`
	// Top1 is the share of answerable questions whose best candidate is
	// right, on held-out folds.
	Top1          float64               `json:"top1"`
	MinConfidence float64               `json:"min_confidence"`
	AtThreshold   CurvePoint            `json:"at_threshold"`
	Sets          map[string]SetFigures `json:"sets"`
	Curve         []CurvePoint          `json:"curve"`
	// Reliability bins the held-out probabilities in tenths: for each, how
	// many best candidates fell in it, their mean probability and the share
	// that were right. Calibrated means the two agree.
	Reliability []ReliabilityBin `json:"reliability"`
	// ECE is the expected calibration error: the (weighted) questions'
	// mean absolute gap between their bin's mean probability and its share
	// right.
	ECE float64 `json:"ece"`
}

// ReliabilityBin is one bin of the reliability table.
type ReliabilityBin struct {
	From, To float64
	N        int     `json:"n"`
	MeanP    float64 `json:"mean_p"`
	Right    float64 `json:"right"`
}

// reliability bins held-out probabilities in tenths, each question counted
// with its weight in the fit (every set weighs the same), so that it
// measures the calibration the fit aims at.
func reliability(oof []scored, exs []Example) ([]ReliabilityBin, float64) {
	bins := make([]ReliabilityBin, 10)
	for k := range bins {
		bins[k].From, bins[k].To = float64(k)/10, float64(k+1)/10
	}
	weight := make([]float64, len(bins))
	total := 0.0
	for i, o := range oof {
		if o.none {
			continue
		}
		w := weightOf(exs[i])
		k := min(int(o.p*10), 9)
		bins[k].N++
		weight[k] += w
		bins[k].MeanP += w * o.p
		if o.right {
			bins[k].Right += w
		}
		total += w
	}
	ece := 0.0
	for k := range bins {
		if b := &bins[k]; weight[k] > 0 {
			b.MeanP /= weight[k]
			b.Right /= weight[k]
			ece += weight[k] * math.Abs(b.MeanP-b.Right)
		}
	}
	if total > 0 {
		ece /= total
	}
	return bins, ece
}

// Train fits a ranker on labelled questions with grouped cross-validation.
// The ranking weights are fitted per fold; the decision model (is the best
// candidate right?) is fitted on the held-out folds' best candidates only,
// so it learns how the ranking behaves on questions it was not trained on;
// its own held-out figures (a second, nested cross-validation) give the
// curve and the recommended threshold. The final ranking weights come from
// all examples.
func Train(exs []Example, opt TrainOptions) (*Ranker, TrainReport, error) {
	opt = opt.withDefaults()
	if len(exs) < opt.Folds {
		return nil, TrainReport{}, errors.New("search: train: too few examples")
	}
	exs = balanced(exs)
	cv := crossValidate(exs, opt)
	rep := TrainReport{Examples: len(exs), Folds: opt.Folds, Sets: map[string]SetFigures{}}
	rep.Curve = curve(cv.oof, exs)
	rep.Reliability, rep.ECE = reliability(cv.oof, exs)
	sets := setNames(exs)
	t, at := chooseThreshold(rep.Curve, cv.oof, exs, sets, opt.TargetPrecision)
	rep.MinConfidence, rep.AtThreshold = t, at
	rep.Top1 = top1(cv.oof, exs, nil)
	for _, name := range sets {
		rep.Sets[name] = setFigures(cv.oof, exs, t, func(i int) bool { return exs[i].Set == name })
	}
	r := &Ranker{Features: slices.Clone(featureNames[:]), Weights: fitRanking(exs, opt.L2),
		Decision: cv.fitDecision(func(int) bool { return true }), DecisionInputs: slices.Clone(decisionNames),
		MinConfidence: t, TargetPrecision: opt.TargetPrecision}
	js, err := json.Marshal(rep)
	if err != nil {
		return nil, rep, fmt.Errorf("search: train: %w", err)
	}
	r.CV = js
	return r, rep, r.check()
}

// withDefaults fills in the options left at zero (5 folds, ridge 1) and
// drops a target precision outside [0, 1).
func (opt TrainOptions) withDefaults() TrainOptions {
	if opt.Folds <= 1 {
		opt.Folds = 5
	}
	if opt.L2 <= 0 {
		opt.L2 = 1
	}
	if opt.TargetPrecision < 0 || opt.TargetPrecision >= 1 {
		opt.TargetPrecision = 0
	}
	return opt
}

// crossValidation holds the out-of-fold results of Train: each example's
// fold, its best candidate under weights that never saw its group, and
// that candidate's decision row.
type crossValidation struct {
	exs  []Example
	l2   float64
	fold []int
	oof  []scored
	rows [][]float64
}

// crossValidate assigns each example to a fold by a hash of its set and
// group, fits the ranking weights without each fold, scores the fold's
// questions with them, and then gives every question its out-of-fold
// decision probability (a decision model fitted on the other folds' rows).
func crossValidate(exs []Example, opt TrainOptions) *crossValidation {
	cv := &crossValidation{exs: exs, l2: opt.L2, fold: make([]int, len(exs)),
		oof: make([]scored, len(exs)), rows: make([][]float64, len(exs))}
	for i, e := range exs {
		h := fnv.New32a()
		h.Write([]byte(e.Set + "\x00" + e.Group))
		cv.fold[i] = int(h.Sum32() % uint32(opt.Folds))
	}
	for f := 0; f < opt.Folds; f++ {
		var tr []Example
		for i, e := range exs {
			if cv.fold[i] != f {
				tr = append(tr, e)
			}
		}
		w := fitRanking(tr, opt.L2)
		for i, e := range exs {
			if cv.fold[i] == f {
				cv.oof[i], cv.rows[i] = best(e, w)
			}
		}
	}
	for f := 0; f < opt.Folds; f++ {
		d := cv.fitDecision(func(i int) bool { return cv.fold[i] != f })
		for i := range exs {
			if cv.fold[i] == f && cv.rows[i] != nil {
				cv.oof[i].p = logistic.Predict(d, cv.rows[i])
			}
		}
	}
	return cv
}

// fitDecision fits the decision model on the decision rows of the examples
// i with in(i).
func (cv *crossValidation) fitDecision(in func(int) bool) []float64 {
	var xs [][]float64
	var ys []bool
	var ws []float64
	for i, e := range cv.exs {
		if cv.rows[i] != nil && in(i) {
			xs = append(xs, cv.rows[i])
			ys = append(ys, cv.oof[i].right)
			ws = append(ws, weightOf(e))
		}
	}
	return logistic.Fit(xs, ys, ws, cv.l2)
}

// chooseThreshold picks the decision threshold from curve (thresholds
// ascending). With a target precision: the lowest at which the answers
// given were, averaged over the sets, at least that share right. Without
// (target 0, the default): the one that maximizes the balanced accuracy
// averaged over the sets — half the share of answerable questions
// answered right, half the share of unanswerable ones declined — so that
// answering and declining count the same. Each set counts the same, so
// that one large, hard set does not set the threshold for every knowledge
// base. Without a point that qualifies it is 1 with a zero point.
func chooseThreshold(curve []CurvePoint, oof []scored, exs []Example, sets []string, target float64) (float64, CurvePoint) {
	t, bestScore, atT := 1.0, -1.0, CurvePoint{}
	for _, c := range curve {
		prec, bal, n := 0.0, 0.0, 0
		for _, name := range sets {
			at := curveAt(oof, exs, c.Threshold, func(i int) bool { return exs[i].Set == name })
			prec += at.Precision
			bal += at.balanced()
			n++
		}
		prec, bal = prec/float64(n), bal/float64(n)
		if target > 0 {
			if prec >= target {
				return c.Threshold, c
			}
			continue
		}
		if bal > bestScore {
			t, bestScore, atT = c.Threshold, bal, c
		}
	}
	return t, atT
}

// setFigures is the held-out figures at threshold t of the examples i
// with in(i).
func setFigures(oof []scored, exs []Example, t float64, in func(int) bool) SetFigures {
	at := curveAt(oof, exs, t, in)
	sf := SetFigures{Top1: top1(oof, exs, in), Recall: at.Recall, Declined: at.Declined}
	for i, e := range exs {
		if in(i) {
			sf.Questions++
			if answerable(e) {
				sf.Answerable++
			}
		}
	}
	return sf
}

// balanced scales the examples' weights so that every set weighs the same
// in total (as much as an average set): a large set of one knowledge base
// must not decide the ranking and the calibration for every other.
func balanced(exs []Example) []Example {
	total := map[string]float64{}
	for _, e := range exs {
		total[e.Set] += weightOf(e)
	}
	mean := 0.0
	for _, t := range total {
		mean += t
	}
	mean /= float64(len(total))
	out := make([]Example, len(exs))
	for i, e := range exs {
		e.Weight = weightOf(e) * mean / total[e.Set]
		out[i] = e
	}
	return out
}

func answerable(e Example) bool { return e.Answerable || slices.Contains(e.Right, true) }

func setNames(exs []Example) []string {
	m := map[string]bool{}
	for _, e := range exs {
		m[e.Set] = true
	}
	out := make([]string, 0, len(m))
	for s := range m {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// scored is a question's best candidate under some weights: its score,
// calibrated probability and whether it is right.
type scored struct {
	z, p  float64
	right bool
	none  bool // no candidate at all
}

// best is a question's best candidate under ranking weights w, and the
// decision row of the question (nil without candidates).
func best(e Example, w []float64) (scored, []float64) {
	if len(e.Cands) == 0 {
		return scored{p: -1, none: true}, nil
	}
	zs := make([]float64, len(e.Cands))
	bi := 0
	for k, x := range e.Cands {
		zs[k] = dot(w, 0, x)
		if zs[k] > zs[bi] {
			bi = k
		}
	}
	return scored{z: zs[bi], right: e.Right[bi]}, decisionRow(e.Cands[bi], zs, bi)
}

func dot(w []float64, b float64, x Features) float64 {
	z := b
	for k := range w {
		z += w[k] * x[k]
	}
	return z
}

func top1(oof []scored, exs []Example, in func(int) bool) float64 {
	n, ok := 0, 0
	for i, e := range exs {
		if (in != nil && !in(i)) || !answerable(e) {
			continue
		}
		n++
		if oof[i].right {
			ok++
		}
	}
	if n == 0 {
		return 0
	}
	return float64(ok) / float64(n)
}

// curve is the precision/coverage curve over the distinct held-out
// probabilities, thresholds ascending.
func curve(oof []scored, exs []Example) []CurvePoint {
	var ts []float64
	for _, s := range oof {
		if !s.none {
			ts = append(ts, s.p)
		}
	}
	sort.Float64s(ts)
	ts = slices.Compact(ts)
	// Thin to at most 100 points, keeping the ends.
	if len(ts) > 100 {
		thin := make([]float64, 0, 101)
		for k := 0; k < 100; k++ {
			thin = append(thin, ts[k*len(ts)/100])
		}
		ts = append(thin, ts[len(ts)-1])
	}
	out := make([]CurvePoint, 0, len(ts))
	for _, t := range ts {
		out = append(out, curveAt(oof, exs, t, nil))
	}
	return out
}

// curveAt is the curve point at threshold t over the questions in (nil: all).
func curveAt(oof []scored, exs []Example, t float64, in func(int) bool) CurvePoint {
	var n, answered, right, ans, dec, unans int
	for i, e := range exs {
		if in != nil && !in(i) {
			continue
		}
		n++
		isAns := answerable(e)
		if isAns {
			ans++
		} else {
			unans++
		}
		given := !oof[i].none && oof[i].p >= t
		if given {
			answered++
			if oof[i].right {
				right++
			}
		} else if !isAns {
			dec++
		}
	}
	c := CurvePoint{Threshold: t, answerable: ans > 0, unanswerable: unans > 0}
	if n > 0 {
		c.Answered = float64(answered) / float64(n)
	}
	if answered > 0 {
		c.Precision = float64(right) / float64(answered)
	}
	if ans > 0 {
		c.Recall = float64(right) / float64(ans)
	}
	if unans > 0 {
		c.Declined = float64(dec) / float64(unans)
	}
	return c
}

// dim is the number of ranking weights.
const dim = int(numFeatures)

// fitRanking fits the ranking weights by conditional (softmax) logistic
// regression: for each answerable question with a right candidate among its
// candidates, maximize the log of the softmax probability of the right ones,
// with a ridge penalty l2. This optimizes what ranking is for — putting a
// right entry first — rather than scoring candidates one by one. Newton's
// method with the Fisher information (PSD) and step halving.
func fitRanking(exs []Example, l2 float64) []float64 {
	var beta [dim]float64
	var qs []Example
	for _, e := range exs {
		if slices.Contains(e.Right, true) && slices.Contains(e.Right, false) {
			qs = append(qs, e)
		}
	}
	cur := rankingLoss(qs, beta, l2)
	for iter := 0; iter < 50; iter++ {
		step := logistic.Solve(rankingSystem(qs, beta, l2))
		next, loss := halvedStep(qs, beta, step, l2, cur)
		cur = loss
		change := 0.0
		for a := range beta {
			change = math.Max(change, math.Abs(next[a]-beta[a]))
		}
		beta = next
		if change < 1e-7 {
			break
		}
	}
	return beta[:]
}

// rankingLoss is fitRanking's objective at weights b: the weighted
// negative log of the right candidates' softmax probability over the
// questions qs, plus the ridge penalty.
func rankingLoss(qs []Example, b [dim]float64, l2 float64) float64 {
	l := 0.0
	for _, e := range qs {
		l -= weightOf(e) * logRight(e, b[:])
	}
	for k := range b {
		l += l2 / 2 * b[k] * b[k]
	}
	return l
}

// halvedStep tries beta + t·step for t = 1, 1/2, 1/4 ... (30 tries) and
// returns the first point whose loss is no more than cur, with its loss;
// when none is, the last point tried, with cur.
func halvedStep(qs []Example, beta [dim]float64, step []float64, l2, cur float64) ([dim]float64, float64) {
	t := 1.0
	var next [dim]float64
	for halving := 0; halving < 30; halving++ {
		for a := range beta {
			next[a] = beta[a] + t*step[a]
		}
		if l := rankingLoss(qs, next, l2); l <= cur {
			return next, l
		}
		t /= 2
	}
	return next, cur
}

// rankingSystem is the Newton system of fitRanking at weights beta: the
// gradient of the penalized log-likelihood and its Fisher information.
func rankingSystem(qs []Example, beta [dim]float64, l2 float64) ([][]float64, []float64) {
	g, h := logistic.NewSystem(dim)
	for _, e := range qs {
		addRankingTerms(g, h, e, beta[:])
	}
	for a := 0; a < dim; a++ {
		for b := 0; b < a; b++ {
			h[a][b] = h[b][a]
		}
		g[a] -= l2 * beta[a]
		h[a][a] += l2
	}
	return h, g
}

// addRankingTerms adds question e's terms to the gradient g and to the
// upper triangle of the Fisher information h at weights beta.
func addRankingTerms(g []float64, h [][]float64, e Example, beta []float64) {
	wt := weightOf(e)
	p := softmax(e.Cands, beta)
	var mean, meanR [dim]float64
	pr := 0.0
	for k := range e.Cands {
		if e.Right[k] {
			pr += p[k]
		}
	}
	for k, x := range e.Cands {
		for a := 0; a < dim; a++ {
			mean[a] += p[k] * x[a]
			if e.Right[k] {
				meanR[a] += p[k] / pr * x[a]
			}
		}
	}
	for a := 0; a < dim; a++ {
		g[a] += wt * (meanR[a] - mean[a])
	}
	for k, x := range e.Cands {
		for a := 0; a < dim; a++ {
			da := x[a] - mean[a]
			if da == 0 {
				continue
			}
			for b := a; b < dim; b++ {
				h[a][b] += wt * p[k] * da * (x[b] - mean[b])
			}
		}
	}
}

func weightOf(e Example) float64 {
	if e.Weight <= 0 {
		return 1
	}
	return e.Weight
}

// softmax is the candidates' softmax probabilities under weights w.
func softmax(cands []Features, w []float64) []float64 {
	p := make([]float64, len(cands))
	m := math.Inf(-1)
	for k, x := range cands {
		p[k] = dot(w, 0, x)
		m = math.Max(m, p[k])
	}
	sum := 0.0
	for k := range p {
		p[k] = math.Exp(p[k] - m)
		sum += p[k]
	}
	for k := range p {
		p[k] /= sum
	}
	return p
}

// logRight is the log of the summed softmax probability of the right
// candidates.
func logRight(e Example, w []float64) float64 {
	p := softmax(e.Cands, w)
	pr := 0.0
	for k := range p {
		if e.Right[k] {
			pr += p[k]
		}
	}
	return math.Log(math.Max(pr, 1e-300))
}
