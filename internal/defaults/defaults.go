// Package defaults fills the unset fields of a configuration with their
// defaults, for the packages whose Config treats zero (and below) as
// "not set". It imports nothing of the project.
package defaults

// Number is what Positive fills: counts, sizes, ratios and durations.
type Number interface {
	~int | ~int64 | ~float64
}

// Positive sets *v to def unless *v is above zero: a zero or negative
// setting takes the default.
func Positive[T Number](v *T, def T) {
	if *v <= 0 {
		*v = def
	}
}
