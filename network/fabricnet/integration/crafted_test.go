package integration

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/chaincode/orgs"
	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/network/fabricnet"
)

// garbage are argument values no client should send: each is given in every parameter of
// every transaction.
var garbage = []string{"", "\x00config", "{", "null", "[]", `{"eventId":"\u0000"}`, "-1", "99999999999999999999",
	strings.Repeat("9", 4096), "\xff\xfe", "evt:\xff"}

// craftedInput sends, as an ordinary organisation, crafted bookmarks and arbitrary arguments to
// every transaction of the chaincode on the network (issue 10: on Fabric a panic ends the
// organisation's chaincode server, the shim does not recover). Every call must be answered by
// the chaincode, no bookmark may read outside its scan, and every chaincode server must still
// be the process it was.
func (s *suite) craftedInput(t *testing.T) {
	before := s.chaincodeServers(t)
	var first model.HoldingPage
	if err := s.evaluate(reg, "query:UnitsByHolder", &first, mfr, "1", ""); err != nil || first.Bookmark == "" {
		t.Fatalf("the manufacturer's first page %+v: %v", first, err)
	}
	refusals := []struct {
		name string
		fn   string
		args []string
	}{
		{"another holder's bookmark", "query:UnitsByHolder", []string{dst, "10", first.Bookmark}},
		{"a bookmark outside the event-time index", "query:EventsByTime", []string{"", "", "10", "\x00config"}},
		{"a bookmark before the window", "query:EventsByTime", []string{time.Now().UTC().Format(time.RFC3339), "", "10", "evt:1999"}},
	}
	for _, r := range refusals {
		t.Run(r.name+" is INVALID", func(t *testing.T) {
			wantChaincodeError(t, s.evaluate(dst, r.fn, nil, r.args...), model.CodeInvalid)
		})
	}
	t.Run("arbitrary arguments to every transaction are answered by the chaincode", func(t *testing.T) {
		for _, op := range ops.All {
			n := 1
			if op.Kind() == ops.Evaluate {
				zero, err := ops.Args(reflect.New(op.RequestType()).Elem().Interface())
				if err != nil {
					t.Fatal(err)
				}
				n = len(zero)
			}
			for i, g := range garbage {
				args := make([]string, n)
				for j := range args {
					args[j] = g
				}
				// Simulated only (a write is checked in full, nothing is ordered), on the peer
				// and chaincode server of each organisation in turn.
				msp := orgs.MSPIDs()[i%len(orgs.MSPIDs())]
				_, err := s.client.Evaluate(s.ctx, ledger.Proposal{Identity: s.ids[msp], Function: op.Name(), Args: args})
				var ce *ledger.ChaincodeError
				if err != nil && !errors.As(err, &ce) {
					t.Fatalf("%s(%q): %v: not the chaincode's answer", op.Name(), args, err)
				}
			}
		}
	})
	t.Run("every chaincode server is still the process it was", func(t *testing.T) {
		after := s.chaincodeServers(t)
		if !reflect.DeepEqual(after, before) {
			t.Fatalf("chaincode servers %v, were %v", after, before)
		}
	})
}

// chaincodeServers are the running chaincode servers' process IDs by name.
func (s *suite) chaincodeServers(t *testing.T) map[string]int {
	t.Helper()
	st, err := fabricnet.Status(s.ctx, s.cfg)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, p := range st.Processes {
		if p.Kind == "chaincode" && p.Running {
			out[p.Name] = p.PID
		}
	}
	if len(out) == 0 {
		t.Fatal("no chaincode server is running")
	}
	return out
}
