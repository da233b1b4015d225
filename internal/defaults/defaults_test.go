package defaults

import (
	"testing"
	"time"
)

func TestPositive(t *testing.T) {
	for _, tt := range []struct{ v, want int }{{0, 7}, {-1, 7}, {1, 1}, {9, 9}} {
		v := tt.v
		Positive(&v, 7)
		if v != tt.want {
			t.Errorf("Positive(%d, 7): got %d, want %d", tt.v, v, tt.want)
		}
	}
	d := -time.Second
	Positive(&d, time.Minute)
	if d != time.Minute {
		t.Errorf("Positive(-1s, 1m): got %v, want 1m", d)
	}
	f := 0.25
	Positive(&f, 0.5)
	if f != 0.25 {
		t.Errorf("Positive(0.25, 0.5): got %v, want 0.25", f)
	}
}
