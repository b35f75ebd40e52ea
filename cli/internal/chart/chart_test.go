package chart

import "testing"

func TestNiceStepRoundsUpToOneTwoOrFive(t *testing.T) {
	for raw, want := range map[float64]float64{0: 1, 0.3: 0.5, 7: 10, 13: 20, 240: 500, 1000: 1000} {
		if got := NiceStep(raw); got != want {
			t.Errorf("NiceStep(%g) = %g, want %g", raw, got, want)
		}
	}
}
