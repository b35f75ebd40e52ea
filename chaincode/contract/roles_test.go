package contract

import (
	"strings"
	"testing"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/gateway/ledger"
)

func TestCertificateRoleGatesActions(t *testing.T) {
	e := newEnv(t)
	e.seed()
	commission := func(eventID string) model.CommissionRequest {
		return model.CommissionRequest{EventHeader: model.EventHeader{EventID: eventID}, DI: deviceDI, Lot: "L1", Codes: codes(deviceCode, 1, 1)}
	}

	_, err := e.submitAs(e.user(mfr, "node", ""), "unit:Commission", nil, commission("c-none"))
	t.Run("an identity without a role attribute cannot act", func(t *testing.T) {
		wantCode(t, err, model.CodeForbidden)
		if !strings.Contains(err.Error(), "no role attribute") {
			t.Fatalf("error %q does not say why", err)
		}
	})
	_, err = e.submitAs(e.user(mfr, "clerk", "distributor"), "unit:Commission", nil, commission("c-clerk"))
	t.Run("an identity whose role the action does not take cannot act", func(t *testing.T) {
		wantCode(t, err, model.CodeForbidden)
		if !strings.Contains(err.Error(), "role=distributor") {
			t.Fatalf("error %q does not name the role", err)
		}
	})
	if _, err := e.submitAs(e.user(mfr, "operator", "manufacturer"), "unit:Commission", nil, commission("c-ok")); err != nil {
		t.Fatalf("a manufacturer's operator commissions: %v", err)
	}
	t.Run("an identity without a role attribute still reads", func(t *testing.T) {
		var v model.Verification
		b, err := e.eng.Evaluate(t.Context(), ledger.Proposal{Identity: e.user(hsp, "auditor", ""), Function: "query:Verify", Args: []string{deviceCode(1)}})
		decode(t, b, &v)
		if err != nil || !v.Genuine {
			t.Fatalf("verify: %v %+v", err, v)
		}
	})
}
