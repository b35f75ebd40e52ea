package fabric

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	gwproto "github.com/hyperledger/fabric-protos-go-apiv2/gateway"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/udiledger/udiledger/gateway/ledger"
)

// chaincodeResponse is how peers report a chaincode's own error: "chaincode response 500, <msg>".
const chaincodeResponse = "chaincode response "

// translate turns fabric-gateway errors into the ledger package's errors: a chaincode's
// message becomes a *ledger.ChaincodeError carrying the message unchanged.
func translate(err error) error {
	if err == nil {
		return nil
	}
	var commitErr *client.CommitError
	if errors.As(err, &commitErr) {
		return &ledger.CommitError{TxID: commitErr.TransactionID, ValidationCode: commitErr.Code.String()}
	}
	var hung *hungError
	if errors.As(err, &hung) {
		return &unavailableError{err: err, retryable: true, missing: missing{peers: hung.orgs}}
	}
	if msg, ok := chaincodeMessage(err); ok {
		return &ledger.ChaincodeError{Message: msg}
	}
	return &unavailableError{err: err, retryable: isTransient(err), permanent: isPermanent(err)}
}

// isPermanent reports failures that trying again cannot mend: the network refuses this
// identity or this request (an expired or revoked certificate, a malformed proposal).
func isPermanent(err error) bool {
	st, ok := status.FromError(err)
	if !ok {
		return false
	}
	switch st.Code() {
	case codes.PermissionDenied, codes.Unauthenticated, codes.InvalidArgument, codes.NotFound,
		codes.AlreadyExists, codes.OutOfRange, codes.Unimplemented:
		return true
	}
	return false
}

// chaincodeMessage finds the chaincode's message in a gRPC status or its error details.
func chaincodeMessage(err error) (string, bool) {
	st, ok := status.FromError(err)
	if !ok {
		return "", false
	}
	for _, d := range st.Details() {
		if detail, ok := d.(*gwproto.ErrorDetail); ok {
			if msg, ok := afterChaincodeResponse(detail.GetMessage()); ok {
				return msg, true
			}
		}
	}
	return afterChaincodeResponse(st.Message())
}

func afterChaincodeResponse(s string) (string, bool) {
	i := strings.Index(s, chaincodeResponse)
	if i < 0 {
		return "", false
	}
	rest := s[i+len(chaincodeResponse):]
	if j := strings.Index(rest, ", "); j >= 0 {
		return rest[j+2:], true
	}
	return "", false
}

// isTransient reports failures where the network, not the request, is at fault: a peer
// restarting, an endorsement plan that cannot be derived for a few seconds after a restart.
func isTransient(err error) bool {
	st, ok := status.FromError(err)
	if !ok {
		return false
	}
	switch st.Code() {
	case codes.Unavailable, codes.DeadlineExceeded, codes.ResourceExhausted:
		return true
	case codes.FailedPrecondition, codes.Unknown:
		return strings.Contains(st.Message(), "no combination of peers can be derived")
	}
	return false
}

// unavailableError is a failure to reach or use the network, kept apart from chaincode
// rejections so callers (the gateway's outbox) can tell "try later" from "refused".
type unavailableError struct {
	err       error
	retryable bool // worth a retry within one call
	permanent bool // never worth one: the gateway answers it, the outbox does not keep it
	missing   missing
}

// once keeps err from being retried with a new transaction: it stays unavailable (the
// gateway answers 503, the outbox keeps the event) but Submit gives up on it now.
func once(err error) error {
	var u *unavailableError
	if errors.As(err, &u) {
		u.retryable = false
	}
	return err
}

func (e *unavailableError) Error() string {
	msg := "fabric: " + e.err.Error() + endorserDetails(e.err)
	if !e.missing.empty() {
		return "fabric: " + e.missing.String() + ": " + strings.TrimPrefix(msg, "fabric: ")
	}
	return msg
}

// endorserDetails tells what each endorser that failed said, which the peer gateway attaches
// to its status rather than to its message ("see attached details").
func endorserDetails(err error) string {
	st, ok := status.FromError(err)
	if !ok {
		return ""
	}
	var b strings.Builder
	for _, d := range st.Details() {
		if detail, ok := d.(*gwproto.ErrorDetail); ok {
			fmt.Fprintf(&b, "; %s (%s): %s", detail.GetMspId(), detail.GetAddress(), detail.GetMessage())
		}
	}
	return b.String()
}
func (e *unavailableError) Unwrap() error { return e.err }

// Unavailable reports whether err means the network could not be reached or used, as opposed
// to the chaincode refusing the request.
func Unavailable(err error) bool {
	var u *unavailableError
	return errors.As(err, &u) && !u.permanent
}

// Missing names the organisations whose peer could not be reached, and those whose peer
// could not run the chaincode (its chaincode server down), when err says so.
func Missing(err error) (peers, chaincode []string) {
	var u *unavailableError
	if !errors.As(err, &u) {
		return nil, nil
	}
	return u.missing.peers, u.missing.chaincode
}

// maxRetryPause caps the pause between two tries while a peer is missing.
const maxRetryPause = 2 * time.Second

// retry tries again a retryable failure Retries times. A write that needs a missing peer or
// chaincode server is tried until PeerWait has passed since the first try (a peer
// restarting); a read is not: it fails at once, naming the peer.
func (c *Client) retry(ctx context.Context, write bool, try func() error) error {
	start := time.Now()
	backoff := c.cfg.RetryBackoff
	for attempt := 0; ; attempt++ {
		err := try()
		if err == nil || !retryable(err) {
			return err
		}
		if namesMissing(err) {
			if !write || time.Since(start)+backoff >= c.cfg.PeerWait {
				return err
			}
		} else if attempt >= c.cfg.Retries {
			return err
		}
		select {
		case <-ctx.Done():
			return errors.Join(err, ctx.Err())
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, maxRetryPause)
	}
}

func namesMissing(err error) bool {
	peers, chaincode := Missing(err)
	return len(peers)+len(chaincode) > 0
}

func retryable(err error) bool {
	if ledger.Retryable(err) {
		return true
	}
	var u *unavailableError
	return errors.As(err, &u) && u.retryable
}
