package logistic

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestFitSparseMatchesFit: on the same rows, the L-BFGS fit finds the
// minimum Newton's method finds, and it predicts the labels it was fitted
// on better than chance.
func TestFitSparseMatchesFit(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const n, d = 300, 6
	var xs [][]float64
	var rows []Sparse
	var ys []bool
	var ws []float64
	truth := []float64{1.5, -2, 0.5, 0, 1, -0.3}
	for range n {
		x := make([]float64, d)
		var sp Sparse
		for k := 0; k < d-1; k++ {
			if r.Float64() < 0.5 { // sparse: about half the columns are zero
				continue
			}
			x[k] = r.NormFloat64()
			sp.Idx, sp.Val = append(sp.Idx, int32(k)), append(sp.Val, x[k])
		}
		x[d-1] = 1
		sp.Idx, sp.Val = append(sp.Idx, d-1), append(sp.Val, 1)
		xs, rows = append(xs, x), append(rows, sp)
		ys = append(ys, r.Float64() < Predict(truth, x))
		ws = append(ws, 0.5+r.Float64())
	}
	want := Fit(xs, ys, ws, 0.1)
	got := FitSparse(rows, d, ys, ws, 0.1)
	for k := range want {
		if math.Abs(got[k]-want[k]) > 1e-6 {
			t.Errorf("weight %d: FitSparse %v, Fit %v", k, got[k], want[k])
		}
	}
	right := 0
	for i, x := range rows {
		if (PredictSparse(got, x) >= 0.5) == ys[i] {
			right++
		}
	}
	if right < n*6/10 {
		t.Errorf("%d/%d fitted labels right", right, n)
	}
	if w := FitSparse(nil, 3, nil, nil, 1); len(w) != 3 {
		t.Errorf("no rows: %v", w)
	}
}
