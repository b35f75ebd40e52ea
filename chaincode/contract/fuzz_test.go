package contract

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/gateway/ledger"
)

// FuzzTransactions calls every transaction of the catalogue with arbitrary arguments, as any
// organisation, on a seeded ledger: no input may make the chaincode panic (on Fabric a panic
// ends the chaincode server of the organisation that endorses).
func FuzzTransactions(f *testing.F) {
	e := newEnv(f)
	e.seed()
	e.commission("fz-c1", 1, 2)
	for i := range ops.All {
		f.Add(uint8(i), uint8(0), `{"eventId":"x"}`, "0", "", "")
		f.Add(uint8(i), uint8(1), "", "1", "\x00config", "\x00")
		f.Add(uint8(i), uint8(4), `{"eventId":"y","codes":["`+deviceCode(1)+`"],"to":"`+dst+`"}`, "-1", "evt:", "9999999999")
	}
	var ids []*ledger.Identity
	for _, m := range []string{mfr, dst, plt, hsp, reg} {
		ids = append(ids, e.identity(m))
	}
	f.Fuzz(func(t *testing.T, opIndex, who uint8, a, b, c, d string) {
		op := ops.All[int(opIndex)%len(ops.All)]
		args := []string{a}
		if op.Kind() == ops.Evaluate {
			zero, err := ops.Args(reflect.New(op.RequestType()).Elem().Interface())
			if err != nil {
				t.Fatal(err)
			}
			args = []string{a, b, c, d}[:min(len(zero), 4)]
		}
		// Evaluate simulates a write completely without committing it.
		_, err := e.eng.Evaluate(context.Background(), ledger.Proposal{
			Identity: ids[int(who)%len(ids)], Function: op.Name(), Args: args})
		if err != nil && strings.Contains(err.Error(), "panicked") {
			t.Fatalf("%s%q panicked: %v", op.Name(), args, err)
		}
	})
}
