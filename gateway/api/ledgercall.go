package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/gateway/auth"
	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/problem"
)

// caller runs chaincode calls on behalf of the request's principal and turns what the ledger
// says into HTTP. Every handler reaches the ledger through it.
type caller struct {
	client      ledger.Client
	unavailable func(error) bool
	timeout     time.Duration
	outbox      *outboxWriter // nil: writes are answered only once committed
}

// identity returns the identity the request signs with; a principal without one cannot call
// the ledger at all.
func identity(c *gin.Context) (*auth.Principal, *ledger.Identity, bool) {
	p := auth.PrincipalOf(c)
	if p == nil || p.Identity == nil {
		problem.Write(c, problem.New(http.StatusForbidden, "no-identity", "Forbidden",
			"the API key is not mapped to a ledger identity"))
		return nil, nil, false
	}
	return p, p.Identity, true
}

// evaluate runs a read-only call and returns its payload, or writes the problem and
// returns false.
func (k *caller) evaluate(c *gin.Context, fn string, args ...string) ([]byte, bool) {
	_, id, ok := identity(c)
	if !ok {
		return nil, false
	}
	out, err := k.evaluateAs(c.Request.Context(), id, fn, args...)
	if err != nil {
		k.fail(c, err)
		return nil, false
	}
	return out, true
}

func (k *caller) evaluateAs(ctx context.Context, id *ledger.Identity, fn string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, k.timeout)
	defer cancel()
	return k.client.Evaluate(ctx, ledger.Proposal{Identity: id, Function: fn, Args: args})
}

func (k *caller) submitAs(ctx context.Context, prop ledger.Proposal) (*ledger.Result, error) {
	ctx, cancel := context.WithTimeout(ctx, k.timeout)
	defer cancel()
	return k.client.Submit(ctx, prop)
}

// proposal builds the proposal of a write signed by id.
func proposal(id *ledger.Identity, w write) (ledger.Proposal, error) {
	arg, err := json.Marshal(w.arg)
	if err != nil {
		return ledger.Proposal{}, err
	}
	return ledger.Proposal{Identity: id, Function: w.fn, Args: []string{string(arg)}, Transient: w.transient}, nil
}

// write is one state-changing call: its function, its one JSON argument, private inputs and
// the ID under which the outbox keeps it should the ledger be unreachable.
type write struct {
	fn        string
	arg       any
	transient map[string][]byte
	id        string // event ID, recall ID or master data key; "" when the call cannot be queued
}

// submit runs a state-changing call. It returns the committed result, or (when the ledger is
// unreachable and an outbox is configured) answers 202 itself; on false the response has
// been written.
func (k *caller) submit(c *gin.Context, w write) (*ledger.Result, bool) {
	p, id, ok := identity(c)
	if !ok {
		return nil, false
	}
	prop, err := proposal(id, w)
	if err != nil {
		problem.Write(c, problem.From(err))
		return nil, false
	}
	res, err := k.submitAs(c.Request.Context(), prop)
	if err != nil {
		if k.outbox != nil && w.id != "" && k.isUnavailable(err) {
			k.outbox.accept(c, p, prop, w.id)
			return nil, false
		}
		k.fail(c, err)
		return nil, false
	}
	return res, true
}

func (k *caller) isUnavailable(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	return k.unavailable != nil && k.unavailable(err)
}

// fail writes the problem for a ledger error.
func (k *caller) fail(c *gin.Context, err error) {
	p := k.problemOf(err)
	if p.Status == http.StatusServiceUnavailable {
		c.Header("Retry-After", "5")
	}
	if p.Status >= 500 {
		_ = c.Error(err) // for the access log
	}
	problem.Write(c, p)
}

// problemOf maps a ledger error to its problem: the chaincode's code to 404/409/403/422, a
// transaction invalidated at commit to 409, an unreachable backend to 503, the rest to 500.
func (k *caller) problemOf(err error) *problem.Problem {
	var ce *ledger.ChaincodeError
	if errors.As(err, &ce) {
		return chaincodeProblem(ce.Message)
	}
	var commit *ledger.CommitError
	if errors.As(err, &commit) {
		p := problem.New(http.StatusConflict, "commit-conflict", "Transaction invalidated at commit",
			commit.Error()+"; retry the request with the same event ID")
		p.Code = commit.ValidationCode
		return p
	}
	if k.isUnavailable(err) {
		return problem.New(http.StatusServiceUnavailable, "ledger-unavailable", "Ledger unavailable",
			"the ledger backend could not be reached; retry later with the same event ID")
	}
	return problem.From(err)
}

// chaincodeProblem maps a chaincode message "CODE: text" to its problem.
func chaincodeProblem(msg string) *problem.Problem {
	code := model.ParseCode(msg)
	text := model.MessageOf(msg)
	var p *problem.Problem
	switch code {
	case model.CodeNotFound:
		p = problem.New(http.StatusNotFound, "not-found", "Not found", text)
	case model.CodeConflict:
		p = problem.New(http.StatusConflict, "conflict", "Conflict", text)
	case model.CodeForbidden:
		p = problem.New(http.StatusForbidden, "forbidden", "Forbidden", text)
	case model.CodeInvalid:
		p = problem.New(http.StatusUnprocessableEntity, "rejected", "Rejected by the ledger", text)
	default:
		// A message without a code is a failure of the chaincode's plumbing, not a rule.
		return problem.New(http.StatusInternalServerError, "chaincode-failure", "Chaincode failure", msg)
	}
	p.Code = string(code)
	return p
}

// raw writes a chaincode payload, which is JSON already, as the response.
func raw(c *gin.Context, status int, payload []byte) {
	if len(payload) == 0 {
		payload = []byte("null")
	}
	c.Data(status, "application/json; charset=utf-8", payload)
}
