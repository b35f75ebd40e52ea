package model

import (
	"testing"
	"time"
)

func TestPackStatesRankAfterTheEndOfLifeAndBeforeRecalls(t *testing.T) {
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		cond Condition
		want Status
	}{
		{"a locked unit is locked", Condition{Own: StatusLocked, Expiry: "2027-01-01", Now: now}, StatusLocked},
		{"a stolen unit of a recalled lot is stolen", Condition{Own: StatusStolen, LotStatus: LotRecalled, Now: now}, StatusStolen},
		{"an exported, expired unit is exported", Condition{Own: StatusExported, Expiry: "2026-01-01", Now: now}, StatusExported},
		{"a destroyed container wins over a sample inside", Condition{Own: StatusSample, Chain: []Status{StatusDestroyed}, Now: now}, StatusDestroyed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.cond.Effective(); got != tt.want {
				t.Fatalf("Effective() = %s, want %s", got, tt.want)
			}
			if err := tt.cond.CanMove("u"); err == nil {
				t.Fatal("CanMove allowed it")
			}
		})
	}
	for _, s := range PackStates {
		if s.Reversible() == (s == StatusStolen) || s.Disposition() == DispositionActive {
			t.Errorf("%s: reversible %v, disposition %s", s, s.Reversible(), s.Disposition())
		}
	}
	if StatusActive.IsPackState() || StatusDispensed.Reversible() {
		t.Error("active and dispensed are no pack states")
	}
}
