// Package logistic fits logistic regression by Newton's method: the
// ranker's decision model (search/learn.go) and the safety triage's model
// (bot/safetymodel.go) are fitted with it.
package logistic

import "math"

// Sigmoid is the logistic function.
func Sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// Dot is w·x over w's length: a row's logit under weights w.
func Dot(w, x []float64) float64 {
	z := 0.0
	for k := range w {
		z += w[k] * x[k]
	}
	return z
}

// Predict is the probability Fit's weights w give row x.
func Predict(w, x []float64) float64 { return Sigmoid(Dot(w, x)) }

// Fit fits logistic regression of y on rows xs (each ending in a
// constant 1 for the bias) by Newton's method, with a ridge penalty l2 on
// every weight but the bias; ws weighs each row.
func Fit(xs [][]float64, ys []bool, ws []float64, l2 float64) []float64 {
	if len(xs) == 0 {
		return nil
	}
	d := len(xs[0])
	beta := make([]float64, d)
	for iter := 0; iter < 100; iter++ {
		g, h := NewSystem(d)
		for n, x := range xs {
			z := 0.0
			for k := range x {
				z += beta[k] * x[k]
			}
			p := Sigmoid(z)
			y := 0.0
			if ys[n] {
				y = 1
			}
			for a := 0; a < d; a++ {
				g[a] += ws[n] * (y - p) * x[a]
				for b := a; b < d; b++ {
					h[a][b] += ws[n] * p * (1 - p) * x[a] * x[b]
				}
			}
		}
		for a := 0; a < d; a++ {
			for b := 0; b < a; b++ {
				h[a][b] = h[b][a]
			}
			if a < d-1 {
				g[a] -= l2 * beta[a]
				h[a][a] += l2
			} else {
				h[a][a] += 1e-9
			}
		}
		step := Solve(h, g)
		change := 0.0
		for a := range beta {
			beta[a] += step[a]
			change = math.Max(change, math.Abs(step[a]))
		}
		if change < 1e-8 {
			break
		}
	}
	return beta
}

// NewSystem is a zero gradient of d entries and a zero d×d Hessian.
func NewSystem(d int) ([]float64, [][]float64) {
	g := make([]float64, d)
	h := make([][]float64, d)
	for a := range h {
		h[a] = make([]float64, d)
	}
	return g, h
}

// Solve solves h·x = g (h symmetric positive definite) by Gaussian
// elimination with partial pivoting; h and g are overwritten.
func Solve(h [][]float64, g []float64) []float64 {
	n := len(g)
	for c := 0; c < n; c++ {
		p := c
		for r := c + 1; r < n; r++ {
			if math.Abs(h[r][c]) > math.Abs(h[p][c]) {
				p = r
			}
		}
		h[c], h[p] = h[p], h[c]
		g[c], g[p] = g[p], g[c]
		if h[c][c] == 0 {
			continue
		}
		for r := c + 1; r < n; r++ {
			f := h[r][c] / h[c][c]
			for k := c; k < n; k++ {
				h[r][k] -= f * h[c][k]
			}
			g[r] -= f * g[c]
		}
	}
	x := make([]float64, n)
	for r := n - 1; r >= 0; r-- {
		s := g[r]
		for k := r + 1; k < n; k++ {
			s -= h[r][k] * x[k]
		}
		if h[r][r] != 0 {
			x[r] = s / h[r][r]
		}
	}
	return x
}
