package contract

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"

	"github.com/udiledger/udiledger/chaincode/model"
)

// slowUnitState is what decodeUnitState must agree with.
func slowUnitState(b []byte) (model.Unit, error) {
	var st unitState
	err := json.Unmarshal(b, &st)
	return model.Unit{DI: st.DI, Lot: st.Lot, Expiry: st.Expiry, Status: st.Status, Quarantined: st.Quarantined,
		Owner: st.Owner, Location: st.Location, Parent: st.Parent, ShipTo: st.ShipTo, RecallIDs: st.RecallIDs,
		ReworkedFor: st.ReworkedFor, Dispense: st.Dispense,
		LastEventID: st.LastEventID, LastEventBy: st.LastEventBy, UpdatedAt: st.UpdatedAt}, err
}

func fullUnit() model.Unit {
	return model.Unit{Key: "(01)09506000134352(21)S1", Scheme: model.SchemeGS1, DI: "09506000134352", Lot: "L1",
		Serial: "S1", Expiry: "2027-01-31", Status: model.StatusDispensed, Quarantined: true, Owner: "HospitalMSP",
		Custodian: "HospitalMSP", Location: "0614141000005", Parent: "(00)106141410000000013", ShipTo: "DistMSP",
		ShipFrom: "MakerMSP", Returning: true, ReturnRecall: "R1", RecallIDs: []string{"R1", "R2"},
		ReworkedFor: []string{}, Dispense: &model.DispenseInfo{By: "HospitalMSP", At: "2026-01-01T00:00:00Z", EventID: "d1", PatientHash: "ab"},
		PackState: &model.PackStamp{}, CloneSuspected: true,
		Lineage:     &model.Lineage{EventID: "t1", By: "MakerMSP", Inputs: []string{"a", "b"}, InputQuantities: []model.QuantityElement{{Code: "c", Quantity: 2}}},
		LastEventID: "e1", LastEventBy: "MakerMSP", UpdatedAt: "2026-01-01T00:00:00.000000000Z"}
}

func TestDecodeUnitStateAgreesWithJSON(t *testing.T) {
	full, err := json.Marshal(fullUnit())
	if err != nil {
		t.Fatal(err)
	}
	bare, err := json.Marshal(model.Unit{Key: "k", DI: "d", Lot: "l", Status: model.StatusActive, Owner: "o"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		give string
	}{
		{"a record json.Marshal wrote, every field set", string(full)},
		{"a record json.Marshal wrote, few fields set", string(bare)},
		{"an empty object", `{}`},
		{"spaces between tokens", ` { "di" : "d" , "recallIds" : [ "a" , "b" ] , "quarantined" : false } `},
		{"escaped strings", `{"owner":"a\"b","lot":"\u00e9"}`},
		{"invalid UTF-8", "{\"owner\":\"a\xffb\"}"},
		{"non-ASCII UTF-8", `{"location":"Zürich"}`},
		{"null fields", `{"owner":null,"recallIds":null,"dispense":null,"quarantined":null}`},
		{"a key in other case", `{"DI":"d","Owner":"o"}`},
		{"an unknown key", `{"di":"d","extra":{"a":[1,2,{"b":"}"}]}}`},
		{"a duplicate key", `{"di":"a","di":"b"}`},
		{"numbers and nested values skipped", `{"lineage":{"inputQuantities":[{"quantity":1e3}]},"cloneSuspected":true,"di":"d"}`},
		{"an escaped quote in a skipped value", `{"serial":"a\"}","di":"d"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkUnitState(t, []byte(tt.give))
		})
	}
}

func checkUnitState(t *testing.T, b []byte) {
	t.Helper()
	want, wantErr := slowUnitState(b)
	for _, names := range []map[string]string{nil, {}} {
		var got model.Unit
		err := decodeUnitState(b, &got, names)
		if (err != nil) != (wantErr != nil) {
			t.Fatalf("decodeUnitState(%q) error %v, json.Unmarshal %v", b, err, wantErr)
		}
		if err == nil && !reflect.DeepEqual(got, want) {
			t.Fatalf("decodeUnitState(%q)\n got %+v\nwant %+v", b, got, want)
		}
	}
}

func TestDecodeUnitStateTakesTheFastPathForMarshalledUnits(t *testing.T) {
	b, err := json.Marshal(fullUnit())
	if err != nil {
		t.Fatal(err)
	}
	var u model.Unit
	if !fastUnitState(b, &u, nil) {
		t.Fatalf("a unit record json.Marshal wrote falls back to json.Unmarshal: %s", b)
	}
}

func FuzzDecodeUnitState(f *testing.F) {
	full, err := json.Marshal(fullUnit())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(full)
	f.Add([]byte(`{"di":"d","recallIds":["a"],"dispense":{"by":"x"}}`))
	f.Add([]byte(`{"owner":"a\"b"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		if !json.Valid(b) {
			return // records are JSON written by json.Marshal
		}
		checkUnitState(t, b)
	})
}

// shimSplit splits as the shim does, a key the ledger returned by a composite key scan
// (which the shim assumes: it panics on others).
func shimSplit(k string) (string, []string, error) {
	if len(k) < 2 || k[0] != 0 || k[len(k)-1] != 0 {
		return "", nil, errors.New("not a composite key")
	}
	return (&shim.ChaincodeStub{}).SplitCompositeKey(k)
}

func TestLastAttributeAgreesWithTheShim(t *testing.T) {
	tests := []struct {
		name string
		give string
	}{
		{"a lot index key", "\x00lotunit\x00069\x00L1\x00(01)069(21)S1\x00"},
		{"two attributes only", "\x00lotunit\x00069\x00(01)069(21)S1\x00"},
		{"four attributes", "\x00lotunit\x00a\x00b\x00c\x00d\x00"},
		{"an empty last attribute", "\x00lotunit\x00069\x00L1\x00\x00"},
		{"not a composite key", "lotunit/069/L1/k"},
		{"no final separator", "\x00lotunit\x00069\x00L1\x00k"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, parts, err := shimSplit(tt.give)
			wantOK := err == nil && len(parts) == 3
			got, ok := lastAttribute(tt.give, 3)
			if ok != wantOK || (ok && got != parts[2]) {
				t.Fatalf("lastAttribute(%q) = %q, %v; the shim splits %q, %v", tt.give, got, ok, parts, err)
			}
		})
	}
}
