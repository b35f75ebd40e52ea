package fabric

import (
	"context"
	"errors"
	"testing"
	"time"

	gwproto "github.com/hyperledger/fabric-protos-go-apiv2/gateway"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/udiledger/udiledger/gateway/ledger"
)

func statusWithDetail(t *testing.T, code codes.Code, msg, detail string) error {
	t.Helper()
	st, err := status.New(code, msg).WithDetails(&gwproto.ErrorDetail{Address: "127.0.0.2:7051", MspId: "ManufacturerOrgMSP", Message: detail})
	if err != nil {
		t.Fatal(err)
	}
	return st.Err()
}

func TestTranslate(t *testing.T) {
	tests := []struct {
		name          string
		give          error
		wantChaincode string
		wantRetryable bool
		wantPermanent bool
	}{
		{
			name:          "endorse failure carries the chaincode message from the details",
			give:          statusWithDetail(t, codes.Aborted, "failed to endorse transaction, see attached details for more info", "chaincode response 500, CONFLICT: unit (01)09506000134352(21)A1 is in_transit"),
			wantChaincode: "CONFLICT: unit (01)09506000134352(21)A1 is in_transit",
		},
		{
			name:          "evaluate failure carries the chaincode message in the status",
			give:          status.Error(codes.Unknown, "evaluate call to endorser returned error: chaincode response 500, NOT_FOUND: no unit 12345"),
			wantChaincode: "NOT_FOUND: no unit 12345",
		},
		{
			name:          "an unreachable peer is retryable",
			give:          status.Error(codes.Unavailable, "connection refused"),
			wantRetryable: true,
		},
		{
			name:          "no endorsement plan right after a peer restart is retryable",
			give:          status.Error(codes.FailedPrecondition, "no combination of peers can be derived which satisfy the endorsement policy"),
			wantRetryable: true,
		},
		{
			name:          "permission denied (an expired certificate) is permanent: not worth keeping in an outbox",
			give:          status.Error(codes.PermissionDenied, "access denied: creator certificate has expired"),
			wantPermanent: true,
		},
		{
			name:          "a malformed proposal is permanent",
			give:          status.Error(codes.InvalidArgument, "failed to unpack proposal"),
			wantPermanent: true,
		},
		{
			name: "a chaincode server that is down (Aborted without a chaincode response) is worth waiting for",
			give: status.Error(codes.Aborted, "failed to endorse transaction: connection refused"),
		},
		{
			name: "a connection that never reached gRPC is worth waiting for",
			give: errors.New("dial tcp 127.0.0.1:7051: connect: connection refused"),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := translate(tt.give)
			var ce *ledger.ChaincodeError
			if tt.wantChaincode != "" {
				if !errors.As(got, &ce) || ce.Message != tt.wantChaincode {
					t.Fatalf("translate() = %v, want chaincode error %q", got, tt.wantChaincode)
				}
				return
			}
			if errors.As(got, &ce) {
				t.Fatalf("translate() = chaincode error %q, want a network error", ce.Message)
			}
			if Unavailable(got) == tt.wantPermanent {
				t.Fatalf("Unavailable(%v) = %v, want %v", got, !tt.wantPermanent, !tt.wantPermanent)
			}
			if retryable(got) != tt.wantRetryable {
				t.Errorf("retryable(%v) = %v, want %v", got, !tt.wantRetryable, tt.wantRetryable)
			}
		})
	}
}

func TestRetryStopsAtChaincodeRejection(t *testing.T) {
	c, err := New(Config{ChannelID: "ch", ChaincodeName: "cc", Peers: map[string]Peer{"A": {}}, RetryBackoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	calls := 0
	rejection := &ledger.ChaincodeError{Message: "FORBIDDEN: not the owner"}
	err = c.retry(context.Background(), true, func() error { calls++; return rejection })
	if !errors.Is(err, rejection) || calls != 1 {
		t.Fatalf("retry() = %v after %d calls, want the rejection after 1 call", err, calls)
	}

	calls = 0
	conflict := &ledger.CommitError{TxID: "t", ValidationCode: ledger.MVCCReadConflict}
	err = c.retry(context.Background(), true, func() error {
		calls++
		if calls < 3 {
			return conflict
		}
		return nil
	})
	if err != nil || calls != 3 {
		t.Fatalf("retry() = %v after %d calls, want success on the third call", err, calls)
	}
}
