package logistic

import (
	"math"

	"gonum.org/v1/gonum/optimize"
)

// Sparse is one row of a sparse design: its nonzero columns and their
// values. The bias column must be among them (with value 1).
type Sparse struct {
	Idx []int32
	Val []float64
}

// DotSparse is w·x.
func DotSparse(w []float64, x Sparse) float64 {
	z := 0.0
	for k, i := range x.Idx {
		z += w[i] * x.Val[k]
	}
	return z
}

// PredictSparse is the probability FitSparse's weights w give row x.
func PredictSparse(w []float64, x Sparse) float64 { return Sigmoid(DotSparse(w, x)) }

// FitSparse fits the model of Fit on sparse rows of d columns, the last
// column the bias (not penalized), with gonum's L-BFGS. Fit's Newton steps
// need a d×d system, which a vocabulary of hundreds of words makes too
// slow; the penalized loss is strictly convex, so both find the same
// minimum. It stops when no gradient entry exceeds 1e-8 or after 2,000
// iterations, and returns the best weights found if L-BFGS gives up
// earlier (a line search that can make no more progress).
func FitSparse(rows []Sparse, d int, ys []bool, ws []float64, l2 float64) []float64 {
	beta := make([]float64, d)
	if len(rows) == 0 {
		return beta
	}
	scratch := make([]float64, d)
	p := optimize.Problem{
		Func: func(b []float64) float64 { return penalizedLoss(rows, ys, ws, l2, b, scratch) },
		Grad: func(g, b []float64) { penalizedLoss(rows, ys, ws, l2, b, g) },
	}
	// An error means L-BFGS stopped early (a line search that can make no
	// more progress); its result is still the best location it found.
	res, _ := optimize.Minimize(p, beta, &optimize.Settings{GradientThreshold: 1e-8, MajorIterations: 2000}, &optimize.LBFGS{})
	if res == nil {
		return beta
	}
	return res.X
}

// penalizedLoss is the weighted log loss of weights b plus the ridge
// penalty, and writes its gradient into g.
func penalizedLoss(rows []Sparse, ys []bool, ws []float64, l2 float64, b, g []float64) float64 {
	clear(g)
	f := 0.0
	for n, x := range rows {
		z := DotSparse(b, x)
		y := 0.0
		if ys[n] {
			y = 1
		}
		// log(1+e^z) - y·z, computed without overflow.
		f += ws[n] * (math.Max(z, 0) + math.Log1p(math.Exp(-math.Abs(z))) - y*z)
		r := ws[n] * (Sigmoid(z) - y)
		for k, i := range x.Idx {
			g[i] += r * x.Val[k]
		}
	}
	for k := 0; k < len(b)-1; k++ {
		f += 0.5 * l2 * b[k] * b[k]
		g[k] += l2 * b[k]
	}
	return f
}
