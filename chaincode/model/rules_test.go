package model

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestEffectiveStatus(t *testing.T) {
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		give Condition
		want Status
	}{
		{"an active unit in a released lot is active", Condition{Own: StatusActive, LotStatus: LotReleased, Expiry: "2027-01-01", Now: now}, StatusActive},
		{"a unit in a container in transit is in transit", Condition{Own: StatusActive, Chain: []Status{StatusActive, StatusInTransit}, Now: now}, StatusInTransit},
		{"an expired unit is expired even in transit", Condition{Own: StatusInTransit, Expiry: "2026-11-23", Now: now}, StatusExpired},
		{"a unit is usable through its expiry day", Condition{Own: StatusActive, Expiry: "2026-11-24", Now: now}, StatusActive},
		{"a quarantined container quarantines the unit", Condition{Own: StatusActive, Chain: []Status{StatusActive}, Quarantined: true, Now: now}, StatusQuarantined},
		{"a quarantined lot quarantines the unit", Condition{Own: StatusActive, LotStatus: LotQuarantined, Now: now}, StatusQuarantined},
		{"a recall wins over quarantine and expiry", Condition{Own: StatusActive, Quarantined: true, Recalled: true, Expiry: "2020-01-01", Now: now}, StatusRecalled},
		{"a recalled lot recalls the unit", Condition{Own: StatusActive, LotStatus: LotRecalled, Now: now}, StatusRecalled},
		{"a dispensed unit stays dispensed when its lot is recalled", Condition{Own: StatusDispensed, LotStatus: LotRecalled, Now: now}, StatusDispensed},
		{"a destroyed container destroys what is inside", Condition{Own: StatusActive, Chain: []Status{StatusDestroyed}, Now: now}, StatusDestroyed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.give.Effective(); got != tt.want {
				t.Fatalf("Effective() = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestStageIgnoresRecallAndQuarantine(t *testing.T) {
	tests := []struct {
		name string
		give Condition
		want Status
	}{
		{"a recalled unit in stock is in stock", Condition{Own: StatusActive, Recalled: true}, StatusActive},
		{"a quarantined unit in a shipped pallet is in transit", Condition{Own: StatusActive, Chain: []Status{StatusInTransit}, Quarantined: true}, StatusInTransit},
		{"a returned unit is returned", Condition{Own: StatusReturned, Recalled: true}, StatusReturned},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.give.Stage(); got != tt.want {
				t.Fatalf("Stage() = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestCanMoveNamesTheStatus(t *testing.T) {
	err := Condition{Own: StatusDispensed}.CanMove("unit X")
	if CodeOf(err) != CodeInvalid || err.Error() != "INVALID: unit X is dispensed" {
		t.Fatalf("got %v", err)
	}
	if err := (Condition{Own: StatusActive}).CanMove("unit X"); err != nil {
		t.Fatalf("active unit cannot move: %v", err)
	}
}

func TestLicenceValidity(t *testing.T) {
	l := Licence{Type: "t", Number: "n", ValidFrom: "2026-01-01", ValidTo: "2026-12-31"}
	tests := []struct {
		name string
		give time.Time
		want bool
	}{
		{"valid on its first day", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), true},
		{"valid on its last day", time.Date(2026, 12, 31, 23, 59, 0, 0, time.UTC), true},
		{"not valid the day after", time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), false},
		{"not valid before it starts", time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := l.ValidAt(tt.give); got != tt.want {
				t.Fatalf("ValidAt = %v, want %v", got, tt.want)
			}
		})
	}
	t.Run("a party without licences is not licensed, a regulator needs none", func(t *testing.T) {
		now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
		if (&Party{Roles: []Role{RoleDistributor}}).LicensedAt(now) {
			t.Fatal("unlicensed distributor licensed")
		}
		if !(&Party{Roles: []Role{RoleRegulator}}).LicensedAt(now) {
			t.Fatal("regulator not licensed")
		}
	})
}

func TestExpiringWithin(t *testing.T) {
	p := &Party{MSPID: "A", Licences: []Licence{
		{Number: "late", ValidFrom: "2026-01-01", ValidTo: "2027-06-01"},
		{Number: "soon", ValidFrom: "2026-01-01", ValidTo: "2026-12-04"},
		{Number: "gone", ValidFrom: "2026-01-01", ValidTo: "2026-11-20"},
	}}
	got := p.ExpiringWithin(time.Date(2026, 11, 24, 15, 0, 0, 0, time.UTC), 30)
	if len(got) != 2 || got[0].Licence.Number != "gone" || got[0].DaysLeft != -4 || got[1].DaysLeft != 10 {
		t.Fatalf("got %+v", got)
	}
}

func TestProgress(t *testing.T) {
	c := StageCounts{Total: 10, InStock: 2, Dispensed: 3, Returned: 4, Destroyed: 1}
	tests := []struct {
		name         string
		give         RecallDepth
		wantRequired int
		wantProgress float64
	}{
		{"at consumer depth dispensed units must come back", DepthConsumer, 10, 0.5},
		{"at retail depth dispensed units are out of reach", DepthRetail, 7, 5.0 / 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, done, p := Progress(tt.give, c)
			if req != tt.wantRequired || done != 5 || p != tt.wantProgress {
				t.Fatalf("got %d %d %v", req, done, p)
			}
		})
	}
	t.Run("a recall with nothing to bring back is complete", func(t *testing.T) {
		if _, _, p := Progress(DepthRetail, StageCounts{}); p != 1 {
			t.Fatalf("progress %v", p)
		}
	})
}

func TestAddContents(t *testing.T) {
	a := []LotCount{{DI: "2", Lot: "A", Count: 3}}
	got := AddContents(a, []LotCount{{DI: "1", Lot: "B", Count: 2}, {DI: "2", Lot: "A", Count: 1}}, 1)
	if fmt.Sprint(got) != "[{1 B 2} {2 A 4}]" {
		t.Fatalf("add = %v", got)
	}
	got = AddContents(got, []LotCount{{DI: "1", Lot: "B", Count: 2}}, -1)
	if fmt.Sprint(got) != "[{2 A 4}]" || UnitCount(got) != 4 {
		t.Fatalf("remove = %v", got)
	}
}

func TestErrorCodes(t *testing.T) {
	tests := []struct {
		name string
		give error
		want Code
	}{
		{"a coded error has its code", NotFound("party %s", "x"), CodeNotFound},
		{"a wrapped coded error keeps its code", fmt.Errorf("call: %w", Conflict("dup")), CodeConflict},
		{"a peer's message keeps the code after a prefix", errors.New("chaincode response 500, FORBIDDEN: not yours"), CodeForbidden},
		{"a message without a code has none", errors.New("connection refused"), ""},
		{"a code inside a word is not a code", errors.New("XINVALID: x"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CodeOf(tt.give); got != tt.want {
				t.Fatalf("CodeOf(%v) = %q, want %q", tt.give, got, tt.want)
			}
		})
	}
	t.Run("the message is read back without its code", func(t *testing.T) {
		if got := MessageOf("chaincode response 500, INVALID: bad thing"); got != "bad thing" {
			t.Fatalf("got %q", got)
		}
	})
	t.Run("an error prints as CODE: message", func(t *testing.T) {
		if got := Invalid("lot %s is %s", "L1", "expired").Error(); got != "INVALID: lot L1 is expired" {
			t.Fatalf("got %q", got)
		}
	})
}

func TestSaltedHash(t *testing.T) {
	a, b := SaltedHash("salt-one-1234567", "patient"), SaltedHash("salt-two-1234567", "patient")
	if a == b || len(a) != 64 || a != SaltedHash("salt-one-1234567", "patient") {
		t.Fatalf("hashes %s %s", a, b)
	}
}

func TestCelsius(t *testing.T) {
	tests := []struct {
		name string
		give SensorReport
		want float64
		ok   bool
	}{
		{"celsius is read as is", SensorReport{Type: TemperatureType, Value: 4, UOM: "CEL"}, 4, true},
		{"fahrenheit is converted", SensorReport{Type: TemperatureType, Value: 212, UOM: "FAH"}, 100, true},
		{"humidity is not a temperature", SensorReport{Type: "gs1:RelativeHumidity", Value: 50}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.give.Celsius()
			if got != tt.want || ok != tt.ok {
				t.Fatalf("got %v %v", got, ok)
			}
		})
	}
}
