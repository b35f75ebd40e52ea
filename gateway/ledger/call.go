package ledger

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"time"

	"github.com/udiledger/udiledger/chaincode/ops"
)

// Invoker runs one operation of the catalogue (package ops) for an identity. A *Caller runs
// it on a Client (embedded or Fabric); the gateway's HTTP client (package httpledger) runs it
// through a gateway's REST API.
type Invoker interface {
	Invoke(ctx context.Context, id *Identity, op ops.Descriptor, req any) (*Result, error)
}

// Reply is an operation's decoded answer.
type Reply[Res any] struct {
	Value       *Res
	TxID        string // empty for reads
	BlockNumber uint64
	// Replayed says the ledger recognised a retry of a write it had recorded and returned the
	// first answer; nothing was written again.
	Replayed bool
	Payload  []byte // the answer as the chaincode returned it
}

// Do runs op with req as id and decodes the answer. It is the one path every program takes
// to the ledger: the gateway's handlers, EPCIS capture, the demo and the CLI.
func Do[Req, Res any](ctx context.Context, inv Invoker, id *Identity, op ops.Op[Req, Res], req Req) (*Reply[Res], error) {
	a, err := Run(ctx, inv, id, op, req)
	if err != nil {
		return nil, err
	}
	v, err := a.Value()
	if err != nil {
		return nil, err
	}
	return &Reply[Res]{Value: v.(*Res), TxID: a.TxID, BlockNumber: a.BlockNumber, Replayed: a.Replayed, Payload: a.Payload}, nil
}

// Answer is an operation's answer when the operation is known only by its descriptor.
type Answer struct {
	TxID        string
	BlockNumber uint64
	Replayed    bool
	Payload     []byte // the answer as the chaincode returned it

	op    ops.Descriptor
	value any
}

// Value decodes the answer, once: a pointer to a value of the operation's ResultType.
func (a *Answer) Value() (any, error) {
	if a.value != nil {
		return a.value, nil
	}
	v := reflect.New(a.op.ResultType())
	if err := ops.DecodeAnswer(a.Payload, v.Interface()); err != nil {
		return nil, fmt.Errorf("%s: decode answer: %w", a.op.Name(), err)
	}
	a.value = v.Interface()
	return a.value, nil
}

// Run is Do for an operation known by its descriptor (a route table, an EPCIS event). It is
// the only place a replayed write is recognised. A read's answer is decoded only when asked
// (Answer.Value), so a gateway can pass a large answer on as it came.
func Run(ctx context.Context, inv Invoker, id *Identity, op ops.Descriptor, req any) (*Answer, error) {
	res, err := inv.Invoke(ctx, id, op, req)
	if err != nil {
		return nil, err
	}
	a := &Answer{op: op, TxID: res.TxID, BlockNumber: res.BlockNumber, Payload: res.Payload, Replayed: res.Replayed}
	if op.Kind() != ops.Submit {
		return a, nil
	}
	v, err := a.Value()
	if err != nil {
		return nil, err
	}
	if rp, ok := reflect.ValueOf(v).Elem().Interface().(ops.Replayer); ok {
		a.Replayed = a.Replayed || rp.ReplayedIn(res.TxID)
	}
	return a, nil
}

// Queue keeps writes the ledger could not take while it was unreachable, to submit them
// later: the gateway's durable outbox.
type Queue interface {
	// Queue keeps p once per (organisation, function, key): queueing the same write again
	// finds the first item. It returns the item's ID.
	Queue(p Proposal, key string) (id string, err error)
}

// QueuedError says a write was not committed but kept in a queue to be submitted once the
// ledger is reachable; ID names the queued item.
type QueuedError struct {
	ID        string
	StatusURL string // where a gateway answers what became of it, if known
	Cause     error
}

func (e *QueuedError) Error() string {
	return fmt.Sprintf("the write is queued as %s until the ledger is reachable", e.ID)
}

func (e *QueuedError) Unwrap() error { return e.Cause }

// Caller runs operations on a Client: it encodes the request, submits or evaluates it within
// Timeout, and keeps a write in Queue when the ledger cannot be reached. It is safe for
// concurrent use.
type Caller struct {
	Client Client
	// Timeout bounds each call; 0 means no bound beyond the context's.
	Timeout time.Duration
	// Queue, when set, keeps writes that name themselves (ops.Keyed) and carry no private
	// inputs while the ledger is unreachable; Invoke then returns a *QueuedError.
	Queue Queue
	// Unreachable reports whether an error means the backend could not be reached (for
	// example fabric.Unavailable); a call past its deadline always counts.
	Unreachable func(error) bool
}

// Invoke runs one operation.
func (c *Caller) Invoke(ctx context.Context, id *Identity, op ops.Descriptor, req any) (*Result, error) {
	req = salted(req)
	call, err := op.EncodeAny(req)
	if err != nil {
		return nil, err
	}
	p := Proposal{Identity: id, Function: call.Function, Args: call.Args, Transient: call.Transient}
	if c.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.Timeout)
		defer cancel()
	}
	if op.Kind() == ops.Evaluate {
		b, err := c.Client.Evaluate(ctx, p)
		if err != nil {
			return nil, err
		}
		return &Result{Payload: b}, nil
	}
	res, err := c.Client.Submit(ctx, p)
	if err == nil && call.Then != nil {
		return c.then(ctx, id, call, res)
	}
	if err == nil || c.Queue == nil || !c.IsUnreachable(err) {
		return res, err
	}
	k, ok := req.(ops.Keyed)
	if !ok || k.WriteKey() == "" || len(call.Transient) > 0 {
		// Private inputs (patient references) never wait on a gateway's disk.
		return nil, err
	}
	qid, qerr := c.Queue.Queue(p, k.WriteKey())
	if qerr != nil {
		return nil, fmt.Errorf("%w (and it could not be queued: %w)", err, qerr)
	}
	return nil, &QueuedError{ID: qid, Cause: err}
}

// then submits the calls that follow a committed one (ops.Call.Then), each made from the
// answer before it; the last one's result is the operation's. A retry of the whole operation
// repeats every call, and each is recognised by the ledger as the retry it is.
func (c *Caller) then(ctx context.Context, id *Identity, call ops.Call, res *Result) (*Result, error) {
	for call.Then != nil {
		next, err := call.Then(res.Payload)
		if err != nil {
			return nil, err
		}
		call = next
		if res, err = c.Client.Submit(ctx, Proposal{Identity: id, Function: call.Function, Args: call.Args, Transient: call.Transient}); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// IsUnreachable reports whether err means the ledger could not be reached.
func (c *Caller) IsUnreachable(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	return c.Unreachable != nil && c.Unreachable(err)
}
