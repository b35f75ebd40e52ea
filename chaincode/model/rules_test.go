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

func TestProgressFollowsTheDepth(t *testing.T) {
	byLevel := LevelCounts{}
	for _, u := range []struct {
		level RecallLevel
		stage Status
	}{
		{LevelWholesale, StatusActive}, {LevelWholesale, StatusActive}, {LevelWholesale, StatusInTransit},
		{LevelWholesale, StatusReturned}, {LevelWholesale, StatusDecommissioned},
		{LevelRetail, StatusActive}, {LevelRetail, StatusActive}, {LevelRetail, StatusActive}, {LevelRetail, StatusDestroyed},
		{LevelConsumer, StatusDispensed}, {LevelConsumer, StatusDispensed}, {LevelConsumer, StatusDispensed}, {LevelConsumer, StatusDispensed},
	} {
		byLevel.Add(u.level, u.stage, false)
	}
	tests := []struct {
		name         string
		give         RecallDepth
		wantRequired int
	}{
		{"at wholesale depth the wholesale stock and what came back", DepthWholesale, 5},
		{"at retail depth the retail stock too", DepthRetail, 8},
		{"at consumer depth the dispensed units too", DepthConsumer, 12},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, done, p := Progress(tt.give, byLevel)
			if req != tt.wantRequired || done != 2 || p != 2/float64(tt.wantRequired) {
				t.Fatalf("got %d %d %v", req, done, p)
			}
		})
	}
	t.Run("a recall with nothing to bring back is complete", func(t *testing.T) {
		if _, _, p := Progress(DepthRetail, LevelCounts{}); p != 1 {
			t.Fatalf("progress %v", p)
		}
	})
}

func TestLevels(t *testing.T) {
	party := func(roles ...Role) *Party { return &Party{Roles: roles} }
	levels := []struct {
		name string
		give *Party
		want RecallLevel
	}{
		{"a distributor trades at wholesale level", party(RoleDistributor), LevelWholesale},
		{"a carrier trades at wholesale level", party(RoleLogistics), LevelWholesale},
		{"a hospital is at retail level", party(RoleHospital), LevelRetail},
		{"a pharmacy that is also a platform is at retail level", party(RolePharmacy, RolePlatform), LevelRetail},
		{"a hospital that also distributes is at wholesale level", party(RoleHospital, RoleDistributor), LevelWholesale},
		{"an unknown party is at wholesale level", nil, LevelWholesale},
	}
	for _, tt := range levels {
		t.Run(tt.name, func(t *testing.T) {
			if got := PartyLevel(tt.give); got != tt.want {
				t.Fatalf("got %s", got)
			}
		})
	}
	units := []struct {
		name         string
		stage        Status
		holder, recv RecallLevel
		want         RecallLevel
	}{
		{"a dispensed unit is at consumer level", StatusDispensed, LevelRetail, "", LevelConsumer},
		{"a unit in transit is at its receiver's level", StatusInTransit, LevelWholesale, LevelRetail, LevelRetail},
		{"a unit in transit to nobody known is at its holder's", StatusInTransit, LevelWholesale, "", LevelWholesale},
		{"a unit in stock is at its holder's level", StatusActive, LevelRetail, "", LevelRetail},
	}
	for _, tt := range units {
		t.Run(tt.name, func(t *testing.T) {
			if got := UnitLevel(tt.stage, tt.holder, tt.recv); got != tt.want {
				t.Fatalf("got %s", got)
			}
		})
	}
	t.Run("each depth reaches its level and those before it", func(t *testing.T) {
		got := ""
		for _, d := range []RecallDepth{DepthWholesale, DepthRetail, DepthConsumer} {
			for _, l := range RecallLevels {
				if d.Reaches(l) {
					got += string(d[0]) + string(l[0]) + " "
				}
			}
		}
		if got != "ww rw rr cw cr cc " {
			t.Fatalf("got %q", got)
		}
	})
}

func TestRecallScopesCover(t *testing.T) {
	r := Recall{Scope: RecallScope{Type: ScopeLot, DI: "1", Lot: "A"},
		MoreScopes: []RecallScope{{Type: ScopeDI, DI: "2"}, {Type: ScopeCodes, Codes: []string{"k"}}}}
	tests := []struct {
		name         string
		di, lot, key string
		want         bool
	}{
		{"a unit of the first lot", "1", "A", "x", true},
		{"a unit of another lot of the first product", "1", "B", "x", false},
		{"any lot of the added product", "2", "Z", "", true},
		{"an added code", "", "", "k", true},
		{"another code", "", "", "j", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := AnyCovers(r.Scopes(), tt.di, tt.lot, tt.key); got != tt.want {
				t.Fatalf("got %v", got)
			}
		})
	}
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
